"""Contact points (基层立法联系点, 人大代表联络站), their meetings (座谈会 …), facilitator binding, the CSV import.

`intake/` (facilitators) and `admin/` (administrators) are front-ends of this package: the rules
("this facilitator may enter for this point", "this meeting belongs to this point and this draft") live
once in `consult.contact_points.services`.
"""
