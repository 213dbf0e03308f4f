"""Export and import: the whole account as versioned JSON, interviews and questions as CSV."""
