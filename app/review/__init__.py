"""The spaced-repetition review schedule (FSRS), fed by every rating a user gives an answer."""
