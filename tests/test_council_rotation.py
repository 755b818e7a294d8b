"""Fair rotation of the council's host community and facilitator, over 24 months of meetings:
nobody serves again before everyone eligible has served, only trained people facilitate,
and every turn stays in the history."""

from __future__ import annotations

from hypothesis import given, settings as hyp_settings, strategies as st
from sqlmodel import Session

from meshbot.council.meetings import history, plan, proposed_turn
from meshbot.council.people import add_community, add_person, mark_trained
from store import open_engine, session

T0 = 1_800_000_000.0
MONTH = 30 * 86400.0
MONTHS = 24

# Each month, before the meeting is planned, something may change: a community joins,
# someone is trained, or someone's training lapses.
change = st.one_of(
    st.none(),
    st.tuples(st.just("community"), st.integers(0, 9)),
    st.tuples(st.just("person"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("untrain"), st.integers(0, 40)),
    st.tuples(st.just("train"), st.integers(0, 40)),
)


def _apply(db: Session, step: object, now: float) -> None:
    if step is None:
        return
    kind, *args = step  # type: ignore[misc]
    names = [c for c in (f"c{i}" for i in range(10))]
    if kind == "community":
        add_community(db, names[args[0]], now)
    elif kind == "person":
        community = names[args[0] % 3]  # the first three communities always exist
        add_person(db, f"person {now:.0f}", community, now, trained=args[1])
    elif kind in ("train", "untrain"):
        from meshbot.council.people import people

        everyone = people(db)
        if everyone:
            mark_trained(db, everyone[args[0] % len(everyone)].id or 0, now, kind == "train")


def _last_turns(sequence: list[object]) -> dict[object, int]:
    return {who: i for i, who in enumerate(sequence)}


@hyp_settings(max_examples=15, deadline=None)
@given(st.lists(change, min_size=MONTHS, max_size=MONTHS), st.integers(1, 4))
def test_nobody_serves_twice_before_every_eligible_one_served(steps: list[object], trained_at_start: int) -> None:
    engine = open_engine(":memory:")
    with session(engine) as db, db.begin():
        for name in ("c0", "c1", "c2"):
            add_community(db, name, T0)
        for i in range(trained_at_start):
            add_person(db, f"facilitator {i}", ("c0", "c1", "c2")[i % 3], T0, trained=True)
    for month, step in enumerate(steps):
        now = T0 + month * MONTH
        with session(engine) as db, db.begin():
            _apply(db, step, now)
            from meshbot.council.people import communities, people

            hosts = [c.name for c in communities(db) if c.hosts]
            trained = {p.id for p in people(db) if p.trained}
            before = history(db)
            turn = proposed_turn(db)
            meeting = plan(db, now + 7 * 86400, now, "test")
            # The host chosen has served no more recently than any other community now hosting.
            host_last = _last_turns([m.host for m in before])
            chosen = host_last.get(meeting.host, -1)
            assert all(host_last.get(other, -1) >= chosen for other in hosts), (meeting.host, host_last)
            # Only a trained person facilitates; and, likewise, the least recently served one.
            assert meeting.facilitator_id == turn.facilitator_id
            if trained:
                assert meeting.facilitator_id in trained
                fac_last = _last_turns([m.facilitator_id for m in before if m.facilitator_id])
                mine = fac_last.get(meeting.facilitator_id, -1)
                assert all(fac_last.get(other, -1) >= mine for other in trained)
            else:
                assert meeting.facilitator_id is None
    with session(engine) as db:
        kept = history(db)
    assert len(kept) == MONTHS  # every turn is in the history


def test_with_the_same_eligible_everyone_serves_equally_over_24_months() -> None:
    engine = open_engine(":memory:")
    with session(engine) as db, db.begin():
        for name in ("elm", "oak", "ash", "yew"):
            add_community(db, name, T0)
        trained = [add_person(db, f"f{i}", "elm", T0, trained=True).id for i in range(5)]
        add_person(db, "untrained", "oak", T0)
    for month in range(MONTHS):
        with session(engine) as db, db.begin():
            plan(db, T0 + month * MONTH, T0 + month * MONTH - 86400, "test")
    with session(engine) as db:
        past = history(db)
    hosts = [m.host for m in past]
    assert {hosts.count(c) for c in ("elm", "oak", "ash", "yew")} == {6}
    facilitators = [m.facilitator_id for m in past]
    assert sorted(facilitators.count(f) for f in trained) == [4, 5, 5, 5, 5]
    assert set(facilitators) == set(trained)  # the untrained person never facilitates
    for window in range(0, MONTHS - 3):  # any four meetings in a row: four different hosts
        assert len(set(hosts[window:window + 4])) == 4
