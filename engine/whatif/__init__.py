"""Stage package: what-if — counterfactual facts, reforms, batches and impact reports."""
