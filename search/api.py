"""search/?q=TEXT (CONTRACT.md): results of every type the user may see, grouped by type."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.api import StrictSerializer
from kam.types import request_user
from search.selectors import TYPES, search_for

QUERY_MAX = 200
# The page and the API refuse a long q in the same words (DRF fills in {max_length}).
QUERY_TOO_LONG = gettext_lazy("Search for at most {max_length} characters.")


class SearchQuerySerializer(StrictSerializer):
    # A q without a word (empty, spaces, punctuation) is no error: it matches nothing and
    # answers no results with `words: []` (a word is a letter or digit of any script once
    # accents are taken off, which no schema pattern can state, so the schema could not tell
    # such a q from a searchable one).
    q = serializers.CharField(
        max_length=QUERY_MAX,
        trim_whitespace=True,
        allow_blank=True,
        error_messages={"max_length": QUERY_TOO_LONG},
    )
    type = serializers.ChoiceField(choices=TYPES, required=False)


class SearchHitSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=TYPES)
    id = serializers.IntegerField()
    account = serializers.IntegerField(help_text="The id of the result's account.")
    account_name = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Plain text around the first match.")
    highlighted = serializers.CharField(
        help_text="The snippet as HTML: escaped, with the matching words in <mark>."
    )
    url = serializers.CharField(help_text="The page of the result.")


class SearchAnswerSerializer(serializers.Serializer[Any]):
    q = serializers.CharField()
    words = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


class SearchView(APIView):
    """Accounts, contacts, plans, complaints and interactions matching every word of `q`
    (a word's beginning; accents and case ignored), at most 10 of each type."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                # No pattern: a word is any letter or digit of any script, once accents are
                # taken off, which a schema's (ECMA, no Unicode classes) pattern cannot say.
                {"type": "string", "maxLength": QUERY_MAX},
                required=True,
                description=(
                    "The words to look for (letters and digits; other characters separate "
                    "them). A q without a word matches nothing: no results, `words` empty."
                ),
            ),
            OpenApiParameter("type", str, enum=list(TYPES), description="Only this type."),
        ],
        responses=SearchAnswerSerializer,
    )
    def get(self, request: Request) -> Response:
        params = {key: request.query_params.getlist(key) for key in request.query_params}
        repeated = {key: [_("Give it once.")] for key, values in params.items() if len(values) > 1}
        if repeated:
            raise serializers.ValidationError(repeated)
        body = SearchQuerySerializer(data={key: values[0] for key, values in params.items()})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        types = (data["type"],) if data.get("type") else TYPES
        results = search_for(user=request_user(request), query=data["q"], types=types)
        return Response(
            {
                "q": data["q"],
                "words": results.words,
                "count": results.total,
                "results": [
                    {
                        "type": hit.type,
                        "id": hit.id,
                        "account": hit.account,
                        "account_name": hit.account_name,
                        "title": hit.title,
                        "snippet": hit.snippet.text,
                        "highlighted": hit.snippet.html,
                        "url": hit.url,
                    }
                    for hit in results.hits
                ],
            }
        )
