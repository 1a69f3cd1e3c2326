"""A question-to-answer dashboard for data-science teams."""
