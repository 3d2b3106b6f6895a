"""The demo data: cases in every state, some overdue, some with a mediator; seeding twice
changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from odr import demo
from odr.models import Case, CaseEvent, CaseState

pytestmark = pytest.mark.django_db


def test_seeding_twice_gives_every_state_once():
    accounts_demo.seed()
    demo.seed()
    counts = (Case.objects.count(), CaseEvent.objects.count())

    demo.seed()

    assert (Case.objects.count(), CaseEvent.objects.count()) == counts
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState)
    assert Case.objects.filter(deadline_at__lte=timezone.now()).exists()
    assert Case.objects.filter(mediator__email="mediator@redress.test").exists()
    assert Case.objects.filter(mediator__email="mediator.zh@redress.test").exists()
