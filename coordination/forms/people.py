from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.enums import AgencyKind, Role
from coordination.models import Agency, Region


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.name} ({obj.code})"


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Nama lembaga"), max_length=200)
    short_name = forms.CharField(label=_("Singkatan"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Jenis"), choices=AgencyKind.choices)
    region = RegionChoiceField(label=_("Wilayah kerja"), queryset=Region.objects.none())
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    website = forms.URLField(label=_("Situs web"), required=False, assume_scheme="https")

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only provinces and regencies in the person's scope: agencies serve those levels.
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    agency = forms.ModelChoiceField(label=_("Lembaga"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices, initial=Role.LIAISON)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    password1 = forms.CharField(
        label=_("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 8 karakter, tidak hanya angka, dan tidak mudah ditebak."),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return data
