"""A care pod's rotation over a simulated year with random time away: fair by the rule
residents were promised. Nobody hosts twice before everyone available has hosted once;
nobody away is asked; households never away host within one turn of each other."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from meshbot.services.rotation import next_turn

WEEKS = 52


@st.composite
def pods(draw: st.DrawFn) -> tuple[list[int], list[set[int]]]:
    size = draw(st.integers(2, 8))
    households = list(range(1, size + 1))
    away_rate = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6]))
    weeks = [{h for h in households if draw(st.floats(0, 1)) < away_rate} for _ in range(WEEKS)]
    return households, weeks


def run_year(households: list[int], weeks: list[set[int]]) -> list[tuple[int | None, int, set[int]]]:
    """(host, round, away) for each week, by the pod's own rule."""
    history: list[int] = []
    rounds: list[int] = []
    year = []
    for away in weeks:
        current = rounds[-1] if rounds else 0
        this_round = {h for h, r in zip(history, rounds) if r == current}
        turn = next_turn(households, this_round, current, history, away)
        if turn is None:
            year.append((None, current, away))
            continue
        history.append(turn.household)
        rounds.append(turn.round)
        year.append((turn.household, turn.round, away))
    return year


@settings(max_examples=300, deadline=None)
@given(pods())
def test_the_rotation_is_fair_over_a_year(pod: tuple[list[int], list[set[int]]]) -> None:
    households, weeks = pod
    year = run_year(households, weeks)
    hosted_in_round: dict[int, list[int]] = {}
    for week, (host, round_, away) in enumerate(year):
        if host is None:
            assert away >= set(households)  # nobody was asked only when everyone was away
            continue
        assert host not in away
        earlier = hosted_in_round.setdefault(round_, [])
        assert host not in earlier, f"week {week}: {host} hosts twice in round {round_}"
        if round_ > 1 and not earlier:  # a new round began: everyone available had hosted in the last
            assert set(households) - away <= set(hosted_in_round.get(round_ - 1, []))
        earlier.append(host)
    never_away = [h for h in households if not any(h in away for away in weeks)]
    counts = {h: sum(1 for host, _, _ in year if host == h) for h in never_away}
    if counts:
        assert max(counts.values()) - min(counts.values()) <= 1, counts


def test_with_nobody_away_the_turns_go_round_in_order() -> None:
    year = run_year([1, 2, 3], [set()] * 7)
    assert [host for host, _, _ in year] == [1, 2, 3, 1, 2, 3, 1]
    assert [round_ for _, round_, _ in year] == [1, 1, 1, 2, 2, 2, 3]


def test_a_household_away_is_passed_over_and_hosts_when_back_within_the_round() -> None:
    year = run_year([1, 2, 3], [set(), {2}, set(), set()])
    assert [host for host, _, _ in year] == [1, 3, 2, 1]
