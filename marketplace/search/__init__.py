"""Full-text search over visible products: the index, its upkeep and the ranked queries."""
