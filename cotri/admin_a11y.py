"""Accessibility of the admin's tabular inlines: their inputs are labelled only by the table head.

``LabelledInlineMixin`` gives every input of a tabular inline an ``aria-label`` naming its column
(« Code », « Incontournable »…), so that a screen reader says what each cell is and axe finds no
unlabelled field on a contract's or an objective's page.
"""


def _label_delete(add_fields):
    def wrapped(self, form, index):
        add_fields(self, form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.setdefault("aria-label", "Supprimer")

    return wrapped


class LabelledInlineMixin:
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name, field in formset.form.base_fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label or name).capitalize())
        return type(formset.__name__, (formset,), {"add_fields": _label_delete(formset.add_fields)})
