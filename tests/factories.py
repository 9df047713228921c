import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clients.models import Client
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
