"""advisor: rule-based advice on contracting Wmo 2015 support and youth care."""
