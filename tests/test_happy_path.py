"""The walking skeleton: one overdracht from opening to AFGEROND through the API, the engine and
the read model, which agree at every step."""

import asyncpg
import httpx
from temporalio.testing import WorkflowEnvironment

from overdracht import demo
from tests.conftest import Login
from tests.happy_path import place_child, walk


async def test_happy_path_over_http(api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool) -> None:
    kind_id, parent_id = await place_child(pool)

    seen = await walk(api, env.client, pool, kind_id, parent_id)

    assert seen == ["concept", "concept", "bij_ouders", "gereed_voor_verzending", "verzonden", "afgerond"]


async def test_timeline_shows_every_step_in_order(
    api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool, login: Login
) -> None:
    kind_id, parent_id = await place_child(pool)
    await walk(api, env.client, pool, kind_id, parent_id)

    pm = await login(demo.PM_USER[demo.BOOMHUT])
    listing = await api.get("/v1/overdrachten", headers=pm, params={"status": "afgerond", "pageSize": 100})
    name = f"Proef-{str(kind_id)[:8]}"
    [mine] = [o for o in listing.json()["resultaten"] if o["kind"] and o["kind"]["achternaam"] == name]

    r = await api.get(f"/v1/overdrachten/{mine['id']}/tijdlijn", headers=pm)

    assert r.status_code == 200
    events = r.json()["gebeurtenissen"]
    assert [e["gebeurtenis"] for e in events] == [
        "geopend", "bericht", "formulier_opgeslagen", "ingediend", "bericht", "toestemming_gegeven",
        "verzonden", "bericht", "ontvangst_bevestigd", "afgerond",
    ]  # fmt: skip
    assert [e["rol"] for e in events] == [
        "pedagogisch_medewerker", None, "pedagogisch_medewerker", "pedagogisch_medewerker", None, "ouder",
        "pedagogisch_medewerker", None, "school", None,
    ]  # fmt: skip
    # Sent: the school's terms count school days, and its intake heard of it at once.
    assert events[6]["details"] == {"kalender": "schooldagen (regio midden)"}
    assert events[7]["details"] == {"soort": "uitnodiging", "aanleiding": "aangekomen", "ontvanger": "school_intake"}
    # The parents heard it opened, then were invited to review the form: metadata only in the timeline.
    assert events[1]["details"] == {"soort": "uitnodiging", "aanleiding": "start", "ontvanger": "ouders"}
    assert events[4]["details"] == {"soort": "uitnodiging", "aanleiding": "indiening", "ontvanger": "ouders"}
    assert [e["revisie"] for e in events] == list(range(1, 11))
