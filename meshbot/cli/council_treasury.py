"""`meshbot council propose|proposals|ballot|close|treasury ...`: treasury proposals, the
committee's record of ballots from people without a radio, closing a vote, the ledger."""

from __future__ import annotations

from datetime import datetime

import click
from sqlmodel import Session

from meshbot.cli.council_meetings import at_of, run, show_rows, shown
from meshbot.cli.shared import echo_json, laptop_actor
from meshbot.cli.values import FiniteFloat, Moment, Month
from meshbot.settings import Settings


def _queue(db: Session, settings: Settings, notices: list, now: float) -> None:  # type: ignore[type-arg]
    from meshbot.board.claims import queue_notices

    queue_notices(db, notices, now, settings)


def _proposal(db: Session, ref: str):  # type: ignore[no-untyped-def]
    from meshbot.council.people import CouncilError
    from meshbot.treasury.proposals import ProposalError, find, number_of

    try:
        number_of(ref)
    except ProposalError as exc:
        raise CouncilError(str(exc)) from exc
    found = find(db, ref)
    if found is None:
        raise CouncilError(f"no proposal {ref} (meshbot council proposals lists them)")
    return found


@click.command("propose")
@click.argument("purpose")
@click.option("--amount", type=FiniteFloat(min=0.01, max=1e9), required=True, help="Per payment, in treasury_unit.")
@click.option("--kind", type=click.Choice(["grant", "stipend", "spending"]), default="grant", show_default=True)
@click.option("--every", type=click.Choice(["once", "week", "month"]), default="once", show_default=True)
@click.option("--periods", type=click.IntRange(1, 520), default=1, show_default=True, help="How many payments.")
@click.option("--days", type=FiniteFloat(min=0.01, max=90), default=None, help="Days open for votes (default vote_days).")
@click.pass_context
def propose(ctx: click.Context, purpose: str, amount: float, kind: str, every: str, periods: int,
            days: float | None) -> None:
    """Put a use of the treasury to the members' vote; everyone hears it in one broadcast."""
    from meshbot.council.notices import proposal_broadcast
    from meshbot.treasury.proposals import ProposalError, code_of, open_proposal

    def job(s: Settings, db: Session, now: float) -> str:
        try:
            p = open_proposal(db, purpose, amount, now, s, laptop_actor(), kind=kind, every=every, periods=periods,
                              days=days)
        except ProposalError as exc:
            raise click.ClickException(str(exc)) from exc
        _queue(db, s, [proposal_broadcast(p, s)], now)
        return f"{code_of(p)} open for votes until {shown(p.deadline, s)}; announced on the mesh"

    click.echo(run(ctx, job))


@click.command("proposals")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def proposals_list(ctx: click.Context, as_json: bool) -> None:
    """Every proposal with its public tally (never who voted what)."""
    from meshbot.treasury.proposals import listing

    rows = run(ctx, lambda s, db, now: [
        {"id": f"p{p.id}", "purpose": p.purpose, "kind": p.kind, "amount": p.amount, "every": p.every,
         "periods": p.periods, "state": p.state, "deadline": shown(p.deadline, s), "yes": p.yes, "no": p.no,
         "abstain": p.abstain, "recorded": p.recorded} for p in listing(db)])
    show_rows(rows, as_json, "No proposals yet.",
              lambda p: f"{p['id']:<5} {p['state']:<9} {p['kind']} {p['amount']:g} {p['every']} x{p['periods']}  "
                        f"yes {p['yes']} no {p['no']} abstain {p['abstain']}  until {p['deadline']}  {p['purpose']}")


@click.command("ballot")
@click.argument("ref")
@click.argument("choice", type=click.Choice(["yes", "no", "abstain"]))
@click.option("--voter", required=True, help="Who, as the committee knows them (a name, or their radio !a1b2c3d4).")
@click.pass_context
def ballot(ctx: click.Context, ref: str, choice: str, voter: str) -> None:
    """Record the ballot of someone without a radio (marked as recorded by the committee)."""
    from meshbot.treasury.ballots import Cast, cast

    def job(s: Settings, db: Session, now: float) -> str:
        who = voter.strip().lower()
        key = f"node:{who}" if who.startswith("!") else f"name:{' '.join(who.split())}"
        done = cast(db, _proposal(db, ref), key, choice, now, recorded=True)
        if done is Cast.CLOSED:
            raise click.ClickException(f"{ref} is closed: no more votes")
        return f"ballot on {ref} {'changed' if done is Cast.CHANGED else 'recorded'} (secret)"

    click.echo(run(ctx, job))


@click.command("close")
@click.argument("ref")
@click.pass_context
def close_vote(ctx: click.Context, ref: str) -> None:
    """Close a vote now (the daemon closes it at its deadline): count, erase who voted, record."""
    from meshbot.council.notices import result_broadcast
    from meshbot.treasury.proposals import close

    def job(s: Settings, db: Session, now: float) -> str:
        p = _proposal(db, ref)
        if p.state != "open":
            raise click.ClickException(f"{ref} is already closed: {p.state}")
        result = close(db, p, now, s, laptop_actor())
        _queue(db, s, [result_broadcast(result)], now)
        return f"{ref} {result.state}: yes {p.yes}, no {p.no}, abstain {p.abstain}"

    click.echo(run(ctx, job))


@click.group("treasury")
def treasury() -> None:
    """The ledger: contributions, grants, stipends and spending; balance and monthly statement."""


@treasury.command("add")
@click.argument("kind", type=click.Choice(["contribution", "grant", "stipend", "spending"]))
@click.argument("amount", type=FiniteFloat(min=0.01, max=1e9))
@click.argument("memo")
@click.option("--at", "when", type=Moment(), default=None, help="When it counts (default: now).")
@click.pass_context
def treasury_add(ctx: click.Context, kind: str, amount: float, memo: str, when: datetime | None) -> None:
    """Write one entry to the ledger."""
    from meshbot.treasury.ledger import add

    def job(s: Settings, db: Session, now: float) -> str:
        entry = add(db, kind, amount, memo, at_of(when, s) if when else now, now, laptop_actor())
        return f"ledger {entry.id}: {kind} {entry.amount:g} {s.treasury_unit}"

    click.echo(run(ctx, job))


@treasury.command("balance")
@click.pass_context
def treasury_balance(ctx: click.Context) -> None:
    """What the treasury holds now (scheduled stipends count from their dates)."""
    from meshbot.treasury.ledger import balance

    click.echo(run(ctx, lambda s, db, now: f"balance {balance(db, now):g} {s.treasury_unit}"))


@treasury.command("statement")
@click.argument("month", type=Month())
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def treasury_statement(ctx: click.Context, month: str, as_json: bool) -> None:
    """A month's statement: opening balance, in, out, closing, and every entry."""
    from meshbot.papers.periods import month_window, zone_of
    from meshbot.treasury.ledger import statement

    def job(s: Settings, db: Session, now: float) -> dict[str, object]:
        window = month_window(month, zone_of(s.timezone))
        st = statement(db, window.start, window.end)
        return {"month": month, "unit": s.treasury_unit, "opening": st.opening, "in": st.money_in,
                "out": st.money_out, "closing": st.closing,
                "entries": [{"at": shown(e.at, s), "kind": e.kind, "amount": e.amount, "memo": e.memo} for e in st.rows]}

    found = run(ctx, job)
    if as_json:
        echo_json(found)
        return
    click.echo(f"{month}: opening {found['opening']:g}, in {found['in']:g}, out {found['out']:g}, "
               f"closing {found['closing']:g} {found['unit']}")
    for e in found["entries"]:  # type: ignore[attr-defined]
        click.echo(f"  {e['at']}  {e['kind']:<12} {e['amount']:>10g}  {e['memo']}")


COMMANDS = (propose, proposals_list, ballot, close_vote, treasury)
