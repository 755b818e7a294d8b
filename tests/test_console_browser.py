"""The committee's console in a real browser: headless Chromium driven by Selenium, the
console as a `meshbot web` process, and the daemon on the simulated mesh writing the same
SQLite file. Nothing is mocked: a match approved in the browser reaches the resident's
radio over the simulated air, and a SAFE sent from a radio shows on the emergency board.

Without chromium and chromium-driver these tests skip, saying so (under CI=true they fail).
Screenshots of every page are kept in a temporary folder (its path is printed), and also in
MESHBOT_SCREENSHOTS when that names a folder (docs/console/ is made so).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import simpy
from sqlmodel import select

from hardware.sim import SimLink, SimMesh, load_scenario
from meshbot.alerts import emergency, policy
from meshbot.daemon import Daemon
from meshbot.delivery.outbox import enqueue
from meshbot.settings import Settings
from meshbot.simulation.demo import bot_process
from meshbot.web.accounts import set_password
from store import Alert, Member, open_engine, session
from tests.console_browser import A11Y_SCRIPT, FOCUS_SCRIPT, browser, console_process, need_browser

SETTLE_S = 60.0
PASSWORD = "lantern by the gate"
PAGES = ("board", "matches", "alerts", "members", "outbox", "emergency", "papers")
PAPERS = ("papers/digest?period=week", "papers/report", "papers/map", "papers/emergency")


class Street:
    """The `block` scenario on virtual time that starts now, the daemon on its base station."""

    def __init__(self, db: Path) -> None:
        self.env = simpy.Environment()
        scenario = load_scenario("block")
        self.mesh = SimMesh.from_scenario(scenario, self.env, seed=7, start_epoch=time.time())
        self.bot = scenario.base
        self.people = {name: scenario.residents[i].num for i, name in enumerate(("Caro", "Ana", "Ben", "Dora"))}
        self.daemon = Daemon(Settings(db=str(db), match_approval=True), SimLink(self.mesh, self.bot),
                             open_engine(db), clock=self.mesh.now)
        self.daemon.open()
        self.env.process(bot_process(self.env, self.daemon))

    def say(self, name: str, text: str) -> list[str]:
        node = self.mesh.node(self.people[name])
        before = len(node.received)
        node.send_text(text, destination=self.bot, want_ack=True)
        self.mesh.advance(SETTLE_S)
        return node.texts()[before:]

    def until(self, done: Callable[[], bool], minutes: int = 10) -> bool:
        """Run the air a minute at a time until `done` (at most `minutes` of simulated time)."""
        for _ in range(minutes):
            if done():
                return True
            self.mesh.advance(SETTLE_S)
        return done()

    def heard(self, name: str) -> list[str]:
        return self.mesh.node(self.people[name]).texts()


@pytest.fixture(scope="module")
def street(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Street]:
    need_browser()
    db = tmp_path_factory.mktemp("console") / "board.db"
    s = Street(db)
    for name, zone in (("Caro", "hill"), ("Ana", "hill"), ("Ben", "elm"), ("Dora", "oak")):
        s.say(name, f"JOIN {name} {zone}")
    with session(s.daemon.engine) as db_, db_.begin():  # Caro is named the committee, as `meshbot init --committee` does
        caro = db_.get(Member, s.people["Caro"])
        assert caro is not None
        caro.role, caro.status = "committee", "approved"
        db_.add(caro)
        set_password(db_, caro.node_num, PASSWORD, "cli:test", s.mesh.now())
    s.say("Ana", "OFFER rice 10kg")
    s.say("Ben", "NEED rice 4kg")
    with session(s.daemon.engine) as db_, db_.begin():
        _, told = emergency.start(db_, s.daemon.settings, s.mesh.now(), "storm, power out", None, "main")
        for message in told:
            enqueue(db_, message, s.mesh.now(), False)
    s.mesh.advance(SETTLE_S)
    yield s
    s.daemon.close()


@pytest.fixture(scope="module")
def console(street: Street) -> Iterator[tuple[Any, str]]:
    driver = browser()
    try:
        with console_process(Path(street.daemon.settings.db)) as url:
            yield driver, url
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folders = [tmp_path_factory.mktemp("console-screenshots")]
    if os.environ.get("MESHBOT_SCREENSHOTS"):
        folders.append(Path(os.environ["MESHBOT_SCREENSHOTS"]))
        folders[-1].mkdir(parents=True, exist_ok=True)
    print(f"console screenshots in {folders[0]}")
    return folders


def snap(driver: Any, shots: list[Path], name: str) -> None:
    """The page as a PNG in each folder; for the docs, reduced to 64 colours to stay small."""
    from PIL import Image

    for n, folder in enumerate(shots):
        path = folder / f"{name}.png"
        assert driver.save_screenshot(str(path))
        if n:
            Image.open(path).convert("RGB").quantize(colors=64).save(path, optimize=True)


def log_in_by_keyboard(driver: Any, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{url}/board")
    assert driver.current_url.startswith(f"{url}/login")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the skip link first
    active = driver.switch_to.active_element
    assert active.text == "Skip to content"
    driver.find_element(By.ID, "name").send_keys("Caro")
    driver.switch_to.active_element.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys(PASSWORD + Keys.ENTER)


def page_text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "body").text)


def wait_for(driver: Any, text: str, seconds: float = 30.0) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(lambda d: text in page_text(d))


def test_log_in_with_the_keyboard_only(console: tuple[Any, str], shots: list[Path]) -> None:
    driver, url = console
    driver.get(f"{url}/login")
    snap(driver, shots, "login")
    log_in_by_keyboard(driver, url)
    wait_for(driver, "The board")
    assert driver.current_url == f"{url}/board" and "Caro" in page_text(driver)


def test_approving_a_match_reaches_the_residents_radio(console: tuple[Any, str], street: Street,
                                                       shots: list[Path]) -> None:
    from selenium.webdriver.common.by import By

    driver, url = console
    driver.get(f"{url}/matches")
    assert "held" in page_text(driver)
    snap(driver, shots, "matches")
    driver.find_element(By.CSS_SELECTOR, "button[aria-label='Approve m1']").click()
    wait_for(driver, "m1 approved; 2 DM(s) queued")
    driver.get(f"{url}/outbox")
    waiting = driver.find_element(By.XPATH, "//h2[.='Waiting to go']/following-sibling::table[1]").text
    assert "Ben" in waiting and "m1" in waiting
    snap(driver, shots, "outbox")
    # the daemon's sender picks up what the console queued
    assert street.until(lambda: all(any("m1" in t for t in street.heard(n)) for n in ("Ana", "Ben")))


def test_confirming_an_alert_puts_it_on_air_verified(console: tuple[Any, str], street: Street,
                                                     shots: list[Path]) -> None:
    from selenium.webdriver.common.by import By

    driver, url = console
    street.say("Dora", "ALERT family evicted @oak")  # waits for the committee (5 minutes)
    with session(street.daemon.engine) as db:
        [ref] = [policy.alert_ref(a) for a in db.exec(select(Alert).where(Alert.sender == street.people["Dora"])).all()]
    driver.get(f"{url}/alerts")
    assert "waiting for confirmation" in driver.find_element(By.XPATH, f"//tr[td[1]='{ref}']").text
    snap(driver, shots, "alerts")
    driver.find_element(By.CSS_SELECTOR, f"button[aria-label='Confirm {ref}']").click()
    wait_for(driver, f"{ref} confirmed")
    assert "on air, verified" in page_text(driver)
    with session(street.daemon.engine) as db:
        alert = policy.find(db, ref)
        assert alert is not None and alert.status == "active" and alert.verified
    assert street.until(lambda: any(t.startswith(f"ALERT {ref}") for t in street.heard("Ana")))


def test_the_emergency_board_updates_after_a_safe_over_the_air(console: tuple[Any, str], street: Street,
                                                              shots: list[Path]) -> None:
    from selenium.webdriver.common.by import By

    driver, url = console
    driver.get(f"{url}/emergency?refresh=2")
    assert driver.find_element(By.ID, "safe-count").text == "0"
    street.say("Ben", "SAFE")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "safe-count").text == "1")
    assert "Ben" in driver.find_element(By.ID, "safe").text
    snap(driver, shots, "emergency")


def test_every_page_passes_the_accessibility_checks(console: tuple[Any, str], shots: list[Path]) -> None:
    driver, url = console
    for name in PAGES + PAPERS:
        driver.get(f"{url}/{name}")
        assert driver.execute_script(A11Y_SCRIPT) == [], name
        if name not in ("matches", "alerts", "outbox", "emergency"):
            snap(driver, shots, name.replace("/", "-").split("?")[0])


def test_every_control_is_reached_by_tab_with_a_visible_focus(console: tuple[Any, str]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, url = console
    for name in PAGES:
        driver.get(f"{url}/{name}")
        controls = len(driver.find_elements(By.CSS_SELECTOR, "a[href], button, input:not([type=hidden]), select"))
        seen = []
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        for _ in range(controls):
            tag, label, outlined = driver.execute_script(FOCUS_SCRIPT)
            assert outlined, f"{name}: {tag} {label!r} shows no focus"
            seen.append((tag, label))
            driver.switch_to.active_element.send_keys(Keys.TAB)
        assert len(seen) == controls and seen[0] == ("A", "Skip to content"), name


def test_members_page_names_who_waits(console: tuple[Any, str], street: Street) -> None:
    driver, url = console
    driver.get(f"{url}/members")
    with session(street.daemon.engine) as db:
        names = {m.name for m in db.exec(select(Member)).all()}
    assert {"Ana", "Ben", "Dora"} <= names and all(n in page_text(driver) for n in ("Ana", "Ben", "Dora"))
