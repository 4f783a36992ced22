"""Resource packs: zip files that carry a collection or an update, and their safe unpacking."""
