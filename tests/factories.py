import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clients.models import Client, Screening
from clients.roles import TRAINERS_GROUP

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class TrainerFactory(UserFactory):
    @factory.post_generation
    def in_trainers_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=TRAINERS_GROUP))


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    trainer = factory.SubFactory(TrainerFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda c: f"{c.first_name}.{c.last_name}@example.com".lower())

    class Params:
        with_portal = False
        # Consent recorded and a current screening of all no: a client who may be assessed.
        assessable = False

    consent_given_at = factory.Maybe(
        "assessable", yes_declaration=factory.LazyFunction(timezone.now), no_declaration=None
    )
    consent_recorded_by = factory.Maybe(
        "assessable", yes_declaration=factory.SelfAttribute("trainer"), no_declaration=None
    )
    portal_user = factory.Maybe(
        "with_portal",
        yes_declaration=factory.SubFactory(
            UserFactory,
            username=factory.LazyAttribute(lambda u: f"client-{u.factory_parent.email}"),
            email=factory.SelfAttribute("..email"),
            first_name=factory.SelfAttribute("..first_name"),
            last_name=factory.SelfAttribute("..last_name"),
        ),
        no_declaration=None,
    )
    screening = factory.Maybe(
        "assessable",
        yes_declaration=factory.RelatedFactory(
            "tests.factories.ScreeningFactory", factory_related_name="client"
        ),
        no_declaration=None,
    )


class ScreeningFactory(factory.django.DjangoModelFactory):
    """A screening of today with every answer no, unless a test says otherwise."""

    class Meta:
        model = Screening

    client = factory.SubFactory(ClientFactory)
    screened_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SelfAttribute("client.trainer")
    heart_condition = False
    chest_pain = False
    dizziness = False
    chronic_condition = False
    chronic_medication = False
    joint_problem = False
    medical_supervision = False


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "imbalances.Region"

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    description = "A region of the body."
    display_order = factory.Sequence(lambda n: 100 + n)


class MuscleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "imbalances.Muscle"

    name = factory.Sequence(lambda n: f"Muscle {n}")
    lay_name = factory.Sequence(lambda n: f"lay muscle {n}")
    slug = factory.Sequence(lambda n: f"muscle-{n}")
    description = "What the muscle does."


class ObservationFactory(factory.django.DjangoModelFactory):
    """The seed's side view, which `migrate` creates, unless a test asks for another."""

    class Meta:
        model = "imbalances.Observation"
        django_get_or_create = ["slug"]

    slug = "standing-side"
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    kind = "posture"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "imbalances.Source"

    slug = factory.Sequence(lambda n: f"source-{n}")
    authors = factory.Sequence(lambda n: f"Author {n}")
    title = "A study of posture"
    publisher = "A journal"
    year = 2010


class PatternFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "imbalances.Pattern"

    class Params:
        # One-sided when true, as the seed's head tilt: tests say which sides they need.
        is_lateral = False

    region = factory.SubFactory(RegionFactory)
    observation = factory.SubFactory(ObservationFactory)
    laterality = factory.LazyAttribute(lambda p: "one" if p.is_lateral else "none")
    name = factory.Sequence(lambda n: f"Pattern {n}")
    slug = factory.Sequence(lambda n: f"pattern-{n}")
    description = "What the trainer sees."
    display_order = factory.Sequence(lambda n: n)


class PatternMuscleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "imbalances.PatternMuscle"

    pattern = factory.SubFactory(PatternFactory)
    muscle = factory.SubFactory(MuscleFactory)
    role = "over-active"
    side = factory.LazyAttribute(lambda pm: "same" if pm.pattern.is_lateral else "")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Assessment"

    client = factory.SubFactory(ClientFactory)
    trainer = factory.SelfAttribute("client.trainer")
    session_date = factory.Faker("date_between", start_date="-1y", end_date="today")
    status = "draft"
    notes = ""

    class Params:
        final = factory.Trait(status="final")


class PatternFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.PatternFinding"

    assessment = factory.SubFactory(AssessmentFactory)
    pattern = factory.SubFactory(PatternFactory)
    severity = 2
    side = factory.LazyAttribute(lambda f: "left" if f.pattern.is_lateral else "")


class MuscleFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.MuscleFinding"

    assessment = factory.SubFactory(AssessmentFactory)
    muscle = factory.SubFactory(MuscleFactory)
    role = "over-active"
    side = "both"


class MeasureFactory(factory.django.DjangoModelFactory):
    """A measured angle by default; `better="pass"` with no range makes a pass-or-fail test."""

    class Meta:
        model = "imbalances.Measure"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test measure {n}")
    slug = factory.Sequence(lambda n: f"test-measure-{n}")
    unit = "°"
    better = "higher"
    min_value = 0
    max_value = 90


class ExerciseFactory(factory.django.DjangoModelFactory):
    """An activation exercise for one new muscle, with a default dosage; `muscles=[...]`,
    `patterns=[...]` and `sources=[...]` set its links."""

    class Meta:
        model = "imbalances.Exercise"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Exercise {n}")
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    phase = "activate"
    instructions = "Lie on your back. Lift slowly, hold, then lower."
    cues = "Breathe out as you lift"
    sets = 2
    reps = 12
    tempo = "4/2/1"
    per_week = 3

    @factory.post_generation
    def muscles(self, create, extracted, **kwargs):
        if create:
            self.muscles.set(extracted if extracted is not None else [MuscleFactory()])

    @factory.post_generation
    def patterns(self, create, extracted, **kwargs):
        if create and extracted:
            self.patterns.set(extracted)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create and extracted:
            self.sources.set(extracted)


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.MeasureValue"

    assessment = factory.SubFactory(AssessmentFactory)
    measure = factory.SubFactory(MeasureFactory)
    side = ""
    value = 40


class PlanFactory(factory.django.DjangoModelFactory):
    """A draft plan built from a finalised assessment, starting today, reviewed in four weeks;
    `published=True` makes it the client's current plan."""

    class Meta:
        model = "plans.Plan"

    assessment = factory.SubFactory(AssessmentFactory, final=True)
    client = factory.SelfAttribute("assessment.client")
    trainer = factory.SelfAttribute("assessment.trainer")
    start_date = factory.LazyFunction(timezone.localdate)
    review_date = factory.LazyAttribute(lambda plan: plan.start_date + datetime.timedelta(weeks=4))
    sessions_per_week = 3

    class Params:
        published = factory.Trait(status="published", published_at=factory.LazyFunction(timezone.now))


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.PlanItem"

    plan = factory.SubFactory(PlanFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    position = factory.Sequence(lambda n: n + 1)
    sets = 2
    reps = 12
    per_week = 3


class PlanSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.PlanSession"

    plan = factory.SubFactory(PlanFactory, published=True)
    done_on = factory.LazyFunction(timezone.localdate)
    effort = 5
