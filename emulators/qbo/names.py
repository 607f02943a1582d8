"""Word lists for generated names, including the deliberately nasty ones."""

from __future__ import annotations

FIRST = (
    "Amy",
    "Bill",
    "Cool",
    "Diego",
    "Dukes",
    "Freeman",
    "Geeta",
    "Jeff",
    "John",
    "Kate",
    "Mark",
    "Paulsen",
    "Rondonuwu",
    "Shara",
    "Sushi",
    "Travis",
    "Wedding",
    "Zoë",
    "Søren",
    "Ana",
)
LAST = (
    "Barnett",
    "Lucchini",
    "Melton",
    "Rodriguez",
    "Kalakaua",
    "Chin",
    "Pye",
    "Whitman",
    "Waldron",
    "Sonnenschein",
    "Gevelber",
    "Keller",
    "O'Brien",
    "Núñez",
    "Åkesson",
    "Tanaka",
)
COMPANY = (
    "Bird Sanctuary",
    "Windsurf Shop",
    "Cars",
    "Basketball",
    "Sporting Goods",
    "Medical",
    "Family Store",
    "Fruit Co.",
    "Lawn Care",
    "Fountains",
    "Bakery",
    "Diner",
    "Design Studio",
)
VENDOR = (
    "Lumber and Building Materials",
    "Hardware",
    "Tree and Landscaping",
    "Gas & Electric",
    "Insurance",
    "Telephone",
    "Office Supplies",
    "Equipment Rental",
    "Nursery",
    "CPA",
)
CITIES = (
    ("Half Moon Bay", "CA", "94213"),
    ("Palo Alto", "CA", "94303"),
    ("Bayshore", "CA", "94326"),
    ("Middlefield", "CA", "94303"),
    ("Sunnyvale", "CA", "94086"),
    ("Tucson", "AZ", "85719"),
)
STREETS = ("Ocean Dr.", "Main St.", "Cypress Hill Ave.", "Pine St.", "Market St.", "Elm Ave.")
DESCRIPTIONS = (
    "Weekly gardening service",
    "Rock Fountain",
    "Fountain Pump",
    "Concrete for fountain",
    "Custom design",
    "Sod",
    "Sprinkler heads",
    "Tree trimming",
    "Installation of landscape design",
)
MEMOS = (
    "Thank you for your business and have a great day!",
    "Net 30, please",
    "Merci beaucoup — à bientôt",
    "お買い上げありがとうございます",
    "Line one\nline two\twith tab",
)
# Text a spreadsheet must never evaluate, and a display name that looks like a formula.
FORMULA_MEMO = '=IMPORTXML("http://x","//a")'
NASTY_NAMES = ("=1+2 Formula Ltd", "Zoë Ünïcode & Søn 株式会社", "  Leading Spaces Inc", "+Plus Sign LLC")
