"""HandoverWorkflow's patches: behaviour added while overdrachten were running. A run from before a
patch keeps the old behaviour, a newer run takes the new, and each replays as it ran.

Two ways of knowing which a run is. The engine's (`workflow.patched`): the first time a run asks, a new
run records a marker in its history, and the SDK adds an upsert of the `TemporalChangeVersion` search
attribute with the list of patches so far; a run from before has no marker. That is 2 events and a
visibility write per patch per run: at the time of writing 10 of the 33 events of an imported child's
first workflow task, and a good part of the engine's work per opening (issue 14). So a run also says in
its input which patches it was started with (`HandoverInput.patchniveau`): the first that many of
IN_VOLGORDE are on without asking the engine. A run started before that field has 0 and asks the engine
as before, marker by marker; its saved histories replay unchanged (tests/test_replay.py).

Only ever append to IN_VOLGORDE: a run started at level n has exactly the first n. A patch added later
is asked of the engine by every run already going, and is known without asking by runs started after.
"""

from temporalio import workflow


class Patch:
    ZOMERVAKANTIE = "eerste-schooldag-na-zomervakantie"  # a 4th birthday in the summer holiday
    VLAG_OPGEHEVEN = "vlag-opgeheven-als-termijn-later-valt"  # a flag is lifted when its deadline moves ahead
    BESPREKEN = "bespreken-vraagt-warme-overdracht"  # a domain to discuss makes a warme overdracht required
    RETOUR_TERMIJN = "retour-geeft-nieuwe-termijn"  # a return gives a fresh term, not the old past one
    VERZENDING_VERLOOPT = "verzending-verloopt"  # an overdracht never sent ends at a term
    OUDERS_BIJ_OPENING = "ouders-bericht-bij-opening"  # the parents hear that the overdracht opened
    ONAFGEROND_VERLOOPT = "onafgeronde-overdracht-verloopt"  # an overdracht never finished ends at a term
    TOESTEMMING_PER_SCHOOL = "toestemming-per-school"  # consent is for a school; another asks the parents again
    AANKOMSTBERICHT = "aankomstbericht-aan-school"  # the school hears at once that an overdracht was sent to it
    SCHOOLKALENDER = "schooltermijnen-in-schooldagen"  # the school's terms skip the school holidays
    # A change is written as a local activity (workflows/recording.py), a message queued and noted in the
    # timeline in one call. Decided once per run, at its first change: a run from before keeps activities.
    LOKAAL_VASTLEGGEN = "vastleggen-als-lokale-activiteit"
    # ... but a message is queued (with its timeline entry) by an ordinary activity, after the engine has
    # recorded the step: the fault suite found messages queued by a step the engine then forgot.
    BERICHT_NA_AANVAARDING = "bericht-in-de-rij-na-aanvaarding"
    # Opened by a person, the opening is written with the parents' message in one ordinary activity
    # (one trip through the engine instead of two; issue 14).
    OPENEN_MET_BERICHT = "openen-met-bericht-aan-ouders"
    # Every moment the run waits for on one timer, the earliest (workflows/clock.py; issue 14).
    EEN_WEKKER = "een-wekker-voor-alle-termijnen"
    # Only the search attributes a change changes are upserted (a run starts with its first state's).
    ZOEKATTRIBUTEN_BIJ_WIJZIGING = "zoekattributen-alleen-bij-wijziging"
    # The parents' message of an opening in the run's first task (the import's) is delivered in that task,
    # as a local activity, not by an activity of its own (workflows/outbox.py; issue 14).
    BEZORGEN_IN_DE_TAAK = "bericht-bezorgd-in-de-eigen-taak"


# Append only (see above).
IN_VOLGORDE: tuple[str, ...] = (
    Patch.ZOMERVAKANTIE,
    Patch.VLAG_OPGEHEVEN,
    Patch.BESPREKEN,
    Patch.RETOUR_TERMIJN,
    Patch.VERZENDING_VERLOOPT,
    Patch.OUDERS_BIJ_OPENING,
    Patch.ONAFGEROND_VERLOOPT,
    Patch.TOESTEMMING_PER_SCHOOL,
    Patch.AANKOMSTBERICHT,
    Patch.SCHOOLKALENDER,
    Patch.LOKAAL_VASTLEGGEN,
    Patch.BERICHT_NA_AANVAARDING,
    Patch.OPENEN_MET_BERICHT,
    Patch.EEN_WEKKER,
    Patch.ZOEKATTRIBUTEN_BIJ_WIJZIGING,
    Patch.BEZORGEN_IN_DE_TAAK,
)
# The level a run started now has: every patch on.
NIVEAU = len(IN_VOLGORDE)


def patched(patch: str, niveau: int) -> bool:
    """Whether a run started at `niveau` has `patch`: known from the level, or else asked of the engine."""
    return IN_VOLGORDE.index(patch) < niveau or workflow.patched(patch)
