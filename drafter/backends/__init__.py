"""Backends: embedders and the vector store (the only modules that import chromadb or openai)."""
