"""Local QuickBooks Online and Google servers that follow the public contracts in shared/reference.

Nothing here imports the product: a misunderstanding of a contract cannot be shared by both sides.
"""
