"""Your own alliance: a stakeholder-analysis table in, the population of a simulation of that alliance out.

Step 2 of a Learning Alliance (MUS Group Tool 24) is a stakeholder analysis: who is crucial to MUS, who limits
it, their interests, power and stance. This package reads such a table (CSV or XLSX, format
:data:`FORMAT_VERSION`), checks it, and builds the model's :class:`~model.population.Population` from it
through :func:`~model.population.build_population`: the table says who exists and fixes every value it
states; every value it leaves open (a blank cell, a missing column) is drawn exactly as for the synthetic
country, from the registry's defaults or the scenario's parameters, with the model's ``rng``. The same table
and seed therefore give the same run, and the table of the default country (``mus-alliance template``) gives
the default country's population and results for the seed it was written with.

Format (one row per stakeholder; the columns and their meaning are :data:`COLUMNS`, the guide the template
writes): a CSV file, or an XLSX workbook whose ``stakeholders`` sheet holds the table (a workbook with one
sheet may name it anything). Ties go in an XLSX sheet ``ties`` or, for a CSV table ``NAME.csv``, in
``NAME.ties.csv`` beside it: ``from``, ``to`` (names) and an optional ``trust``. When ties are given they
replace the drawn ties between stakeholders listed one by one; communities given as counts keep their drawn
ties. A CSV line starting with ``#`` is a comment; ``# mus-alliance stakeholder table, format 1`` states the
format version (also cell A1 of an XLSX ``guide`` sheet).

Every problem is reported at once, one line each, naming the file, row and column (:class:`TableError`).
Names stay on the user's machine: nothing here sends anything anywhere.

The parts, by role:

- :mod:`.format`: the columns and their meaning, the rows a table holds, :class:`TableError`;
- :mod:`.reading`: a CSV or XLSX file into raw rows;
- :mod:`.checking`: raw rows into checked rows and ties, every problem one line;
- :mod:`.building`: the checked table in the model's order, and the population it builds (:func:`load_table`);
- :mod:`.template`: a population written as a table (``mus-alliance template``);
- :mod:`.safe_cells`: no user text reaches a spreadsheet as a formula.
"""

from .building import AllianceTable, Given, load_alliance_table, load_table
from .format import (COLUMNS, FORMAT_LINE, FORMAT_VERSION, GENERIC_COMMUNITY, GUIDE_SHEET, INTERESTS, KINDS, NOTICE,
                     SHEET, TIE_COLUMNS, TIES_SHEET, Row, Source, TableError, Tie)
from .safe_cells import neutralise, safe_csv, safe_frame, unquote
from .template import (STAKEHOLDER_HEADER, default_country, guide_lines, template_rows, unique_names,
                       write_table)

__all__ = [
    "AllianceTable", "Given", "load_alliance_table", "load_table", "COLUMNS", "FORMAT_LINE", "FORMAT_VERSION",
    "GENERIC_COMMUNITY", "GUIDE_SHEET", "INTERESTS", "KINDS", "NOTICE", "SHEET", "TIE_COLUMNS", "TIES_SHEET", "Row",
    "Source", "TableError", "Tie", "neutralise", "safe_csv", "safe_frame", "unquote", "STAKEHOLDER_HEADER",
    "default_country", "guide_lines", "template_rows", "unique_names", "write_table",
]
