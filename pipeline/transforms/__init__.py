"""Transform stage: each module refines the document model in one respect."""
