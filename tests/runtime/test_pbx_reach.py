"""The runtime's side of reaching a person (PBX5, DIR3, DIR4), on the real store: line
states telephony reports shown as the directory's status and told to listeners, feature
codes carried out as the person (forwarding, presence with a return time), a barred or
looping forwarding answered by its Swedish prompt, and the tenant's offer to absent
people's callers, answer groups logged in and out by code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.runtime.test_directory_views import OPERATOR, T0, views  # noqa: F401 (fixture)
from vaxel.core.clock import STOCKHOLM
from vaxel.core.dial_policy import DialPolicy
from vaxel.directory.model import NumberKind, Person, PhoneNumber
from vaxel.directory.presence import LineState, StatusKind
from vaxel.pbx.feature_codes import parse
from vaxel.pbx.forwarding import ForwardCondition, Forwarding
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.reach import AbsentOffer
from vaxel.pbx.transfer_recall import RecallSettings
from vaxel.runtime.directory_views import DirectoryViews
from vaxel.runtime.forwarding import ForwardingService
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_reach import PbxReach, return_at
from vaxel.store.pbx_forwarding import ForwardingStore
from vaxel.store.pbx_numbering import PbxNumbering

T = "exempelby"


@pytest.fixture
def reach(views: DirectoryViews) -> PbxReach:  # noqa: F811
    views.store.put_person(
        T, Person("olle", "3", "Olle", "Ek", (PhoneNumber(NumberKind.EXTENSION, "2042"),))
    )
    views.changed(T)
    database = views.store._db  # the views' own database
    forwarding = ForwardingService(
        ForwardingStore(database), views, lambda tenant, person: DialPolicy(), views._clock
    )
    pbx = PbxReach(views, forwarding, views.sources, views._clock)
    views.lines = pbx
    return pbx


def test_line_states_show_in_the_directory_and_reach_listeners(reach: PbxReach) -> None:
    directory = reach.views
    told: list[str] = []
    directory.listeners.append(lambda tenant, person, view: told.append(person))
    assert directory.status(T, "karin") is StatusKind.AVAILABLE  # a page has it open
    reach.ringing(T, "karin", "c1")
    assert directory.status(T, "karin") is StatusKind.RINGING and told == ["karin"]
    reach.answered(T, "karin", "c1")
    assert directory.person(T, "karin", OPERATOR).status is StatusKind.BUSY
    assert reach.line(T, "karin") is LineState.BUSY
    reach.ended("c1")
    assert directory.status(T, "karin") is StatusKind.AVAILABLE and told == ["karin"] * 3


def test_feature_codes_set_forwarding_and_presence_as_the_person(reach: PbxReach) -> None:
    assert reach.carry_out(T, "karin", parse("*21*2042#")) == "sv/pbx/forwarding-set"
    assert reach.forwarded_to(T, "karin") == "2042"
    assert reach.views.status(T, "karin") is StatusKind.FORWARDED
    assert reach.carry_out(T, "olle", parse("*21*2041#")) == "sv/pbx/forwarding-loop"
    assert reach.carry_out(T, "olle", parse("*67*0900123456#")) == "sv/pbx/number-barred"
    assert reach.carry_out(T, "olle", parse("*61*0701234567*15#")) == "sv/pbx/forwarding-set"
    rule = (reach.forwarding(T, "olle") or pytest.fail()).rule(ForwardCondition.NO_ANSWER)
    assert rule is not None and (rule.destination, rule.after_s) == ("+46701234567", 15)
    assert reach.carry_out(T, "karin", parse("##002#")) == "sv/pbx/forwarding-cleared"
    assert reach.forwarded_to(T, "karin") is None
    assert reach.carry_out(T, "karin", parse("*23*1*1430#")) == "sv/pbx/presence-set"
    absence = reach.absence(T, "karin")
    assert absence is not None and absence.reason_id == "mote"
    assert absence.until is not None and absence.until.astimezone(STOCKHOLM).hour == 14
    assert reach.carry_out(T, "karin", parse("*23*99#")) == "sv/pbx/reason-invalid"
    assert reach.carry_out(T, "karin", parse("#23#")) == "sv/pbx/presence-cleared"
    assert reach.absence(T, "karin") is None
    assert reach.carry_out(T, "karin", parse("*28*500#")) == "sv/pbx/not-allowed"


@pytest.mark.parametrize("code", ["*21*112#", "*61*11414#", "*67*0046112#", "*62*004611414#"])
def test_forwarding_to_an_emergency_number_is_refused_by_phone(reach: PbxReach, code: str) -> None:
    assert reach.carry_out(T, "olle", parse(code)) == "sv/pbx/forwarding-emergency"
    assert reach.forwarding(T, "olle") == Forwarding()  # nothing kept


def test_forwarding_to_ones_own_number_is_refused_whatever_the_condition(reach: PbxReach) -> None:
    for code in ("*21*2042#", "*67*2042#", "*61*2042#", "*62*2042#"):
        assert reach.carry_out(T, "olle", parse(code)) == "sv/pbx/forwarding-self", code
    assert reach.forwarding(T, "olle") == Forwarding()


def test_a_conditional_forwarding_that_comes_back_through_an_always_is_refused(
    reach: PbxReach,
) -> None:
    assert reach.carry_out(T, "karin", parse("*21*2042#")) == "sv/pbx/forwarding-set"
    assert reach.carry_out(T, "olle", parse("*67*2041#")) == "sv/pbx/forwarding-loop"


def test_a_return_time_already_past_today_is_tomorrow() -> None:
    morning = T0.astimezone(STOCKHOLM).replace(hour=10, minute=0)
    assert return_at(14, 30, morning).astimezone(STOCKHOLM).day == morning.day
    assert return_at(9, 0, morning) - morning > timedelta(hours=22)


def test_the_tenants_offer_to_absent_peoples_callers(reach: PbxReach) -> None:
    assert reach.absent_offer(T) == AbsentOffer()
    reach.set_absent_offer(T, AbsentOffer(operator=True, voicemail=False, operator_number="9"))
    assert reach.absent_offer(T) == AbsentOffer(True, False, "9")
    assert reach.person_on(T, "2042") == "olle" and reach.extension(T, "olle") == "2042"


def test_the_tenants_transfer_recall_time(reach: PbxReach) -> None:
    assert reach.transfer_recall(T) == RecallSettings(30.0)  # issue 14 §6: the default
    reach.set_transfer_recall(T, RecallSettings(45.0))
    assert reach.transfer_recall(T).recall_after_s == 45.0


def test_group_login_and_logout_by_feature_code(reach: PbxReach) -> None:
    numbering = PbxNumberingService(PbxNumbering(reach.views.store._db))
    numbering.put_group(AnswerGroup(T, "vaxeln", "Växeln", members=(GroupMember("karin"),)))
    numbering.put_number(T, "5000", Target(TargetKind.GROUP, "vaxeln"))
    reach.numbering = numbering

    def logged_in() -> bool:
        group = numbering.group(T, "vaxeln")
        assert group is not None
        return group.members[0].logged_in

    assert reach.carry_out(T, "karin", parse("#28*5000#")) == "sv/pbx/group-left"
    assert not logged_in()
    assert reach.carry_out(T, "karin", parse("*28*5000#")) == "sv/pbx/group-joined"
    assert logged_in()
    assert reach.carry_out(T, "karin", parse("#28#")) == "sv/pbx/group-left"
    assert not logged_in()
    assert reach.carry_out(T, "karin", parse("*28*2042#")) == "sv/pbx/group-invalid"
    assert reach.carry_out(T, "olle", parse("*28*5000#")) == "sv/pbx/failed"  # no member
