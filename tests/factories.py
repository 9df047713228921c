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
