"""The public holidays are kept as a table (protocol/feestdagen.py), so no process imports the holidays
package (17 MB): the table must still say what the package says."""

import subprocess
import sys
from datetime import date
from pathlib import Path

from protocol import dates, feestdagen

ROOT = Path(__file__).resolve().parents[1]


def test_the_table_is_what_the_holidays_package_says() -> None:
    assert feestdagen.from_the_package() == feestdagen.PUBLIC_HOLIDAYS, "run: python -m protocol.feestdagen"
    # The law's: 5 May every year, Goede Vrijdag never (18 April 2025), Koningsdag 2025 on Saturday 26 April.
    assert date(2026, 5, 5) in feestdagen.PUBLIC_HOLIDAYS and date(2025, 4, 18) not in feestdagen.PUBLIC_HOLIDAYS
    assert date(2025, 4, 26) in feestdagen.PUBLIC_HOLIDAYS
    assert len(feestdagen.PUBLIC_HOLIDAYS) > 900


def test_a_worker_or_api_process_does_not_load_the_holidays_package() -> None:
    code = "import sys, protocol.dates, api.app, overdracht.worker; print('holidays' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
    assert not dates.is_working_day(date(2026, 12, 25))
