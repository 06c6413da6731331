"""A draft's life: write it, verify it, regenerate a section, pull Word edits, accept it into the corpus."""
