"""The content contract, defined once.

Each content type is a ``Schema``: its fields, their kind, whether they are
required and their French description. Validation, the field tables of
``docs/content.md``, the ``new`` scaffolds and the open-data exports all read
these definitions, so adding a field is a change in this file only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vitrine.content.kinds import KIND_LABELS, TABLE_TYPES

# The years an edition may have (its file's name): a typo (editions/0000.md, 2201.md) is not « Édition 0 ».
EDITION_YEARS = range(2000, 2101)

# Image formats a laureate's ``image`` may use: the ones Vitrine can resize and strip of their metadata.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class Field:
    """One field of a content type."""

    name: str
    kind: str
    description: str
    required: bool = False
    default: Any = None
    example: Any = None
    max_length: int | None = None
    prose: bool = False  # displayed text: gets French typography
    schema: "Schema | None" = None  # for mappings and lists of mappings
    # What the kind cannot say, for the web editor's form (``outputs/editor_config.py``):
    label: str | None = None  # the form's label when the description's first words do not make one
    choices: str | None = None  # the value is one (or, for a list, some) of the site's "editions", "quartiers", "themes"
    image: bool = False  # a path to a photo (an image picker), not to any document

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def table_type(self) -> str:
        return TABLE_TYPES.get(self.kind, "string")

    @property
    def public_description(self) -> str:
        """The description for readers of the published data: without the editors' notes in parentheses."""
        return self.description.split(" (", 1)[0]


@dataclass(frozen=True)
class Schema:
    """The fields of one content type, in the order editors see them."""

    name: str
    location: str
    description: str
    fields: tuple[Field, ...]
    has_body: bool = False
    body_description: str = ""  # what the Markdown below the fields holds, when ``has_body``

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


# The editors' notes on an entry: facts the sources do not give yet. The web editor drops YAML comments when it saves,
# so the « # À confirmer » comments became this field; validation keeps it out of the model, hence out of every output.
NOTES = "a_confirmer"
NOTES_FIELD = Field(NOTES, "text_list", "Points à confirmer avant publication : notes de l'équipe, jamais publiées "
                    "(une note par point, qui commence par le champ concerné ; check les liste)",
                    example=["edition : lauréat de 2018 ou de 2019, la source ne le précise pas"])


CONTACT = Schema("contact", "content/territory.yaml, champ contact d'un contrat de ville", "Le contact à joindre avant de candidater", (
    Field("role", "text", "Fonction de la personne à contacter (par ex. chef de projet du contrat de ville)", required=True, prose=True, example="Chef de projet du contrat de ville"),
    Field("email", "email", "Adresse e-mail de contact", example="prenom.nom@exemple.fr"),
    Field("phone", "text", "Téléphone", example="01 23 45 67 89"),
    NOTES_FIELD,
))

QUARTIER = Schema("quartier", "content/territory.yaml, liste quartiers d'un contrat de ville", "Un quartier prioritaire de la politique de la ville (QPV)", (
    Field("slug", "slug", "Identifiant du quartier, utilisé dans l'adresse de sa page et par les lauréats", required=True, example="noyer-renard"),
    Field("name", "text", "Nom du quartier", required=True, prose=True, example="Noyer Renard"),
    Field("commune", "text", "Commune du quartier", required=True, prose=True, example="Athis-Mons"),
    Field("code", "text", "Code officiel du QPV (référentiel national), s'il est connu", example="QP091001"),
    Field("current", "bool", "false si le quartier ne figure plus dans la liste nationale en vigueur (les anciens lauréats restent rattachés)", default=True, example=True, label="Quartier en vigueur"),
    Field("coordinates", "number_pair", "Position du quartier [latitude, longitude] pour la carte, tirée des données officielles", example=[48.7, 2.39]),
    NOTES_FIELD,
))

CONTRAT = Schema("contrat de ville", "content/territory.yaml, liste contrats_de_ville", "Un contrat de ville et ses quartiers prioritaires", (
    Field("slug", "slug", "Identifiant du contrat de ville", required=True, example="athis-mons"),
    Field("name", "text", "Nom du contrat de ville", required=True, prose=True, example="Contrat de ville d'Athis-Mons"),
    Field("contact", "mapping", "Personne à contacter avant de candidater (co-élaboration du projet)", schema=CONTACT),
    Field("quartiers", "list", "Les quartiers prioritaires du contrat (au moins un)", required=True, schema=QUARTIER),
    NOTES_FIELD,
))

TERRITORY = Schema("territoire", "content/territory.yaml", "Les contrats de ville du territoire et leurs quartiers prioritaires", (
    Field("contrats_de_ville", "list", "Les contrats de ville (au moins un)", required=True, schema=CONTRAT),
    Field("outlines", "path", "Contours des quartiers pour la carte : un fichier GeoJSON (WGS 84) dans content/media/, extrait du référentiel national des quartiers prioritaires publié en données ouvertes ; chaque contour va au quartier dont le code officiel (« code ») est la valeur de sa propriété code_qp", example="media/quartiers.geojson"),    NOTES_FIELD,
))

THEME = Schema("thématique", "content/themes.yaml, liste themes", "Une thématique des projets lauréats", (
    Field("slug", "slug", "Identifiant de la thématique", required=True, example="numerique"),
    Field("name", "text", "Nom affiché", required=True, prose=True, example="Numérique"),
    Field("description", "text", "Une phrase qui présente la thématique", required=True, prose=True, example="Projets qui mettent le numérique au service des habitants."),
    NOTES_FIELD,
))

THEMES = Schema("thématiques", "content/themes.yaml", "Les thématiques des projets lauréats", (
    Field("themes", "list", "Les thématiques (au moins une) ; ajoutez-en quand de nouveaux lauréats le demandent", required=True, schema=THEME),
))

EDITOR = Schema("éditeur web", "content/site.yaml, champ editor", "L'éditeur web /admin/ du site publié : le dépôt git qu'il modifie et la connexion à son hébergeur (sans ce bloc, /admin/ n'est pas publié)", (
    Field("backend", "text", "Hébergeur du dépôt : gitlab (gitlab.com ou une instance de l'organisme) ou github", required=True, example="gitlab"),
    Field("repository", "text", "Dépôt du site sur l'hébergeur : groupe/projet", required=True, example="mon-organisme/vitrine"),
    Field("branch", "text", "Branche publiée, où l'éditeur enregistre", default="main", example="main"),
    Field("app_id", "text", "Identifiant de l'application OAuth créée sur GitLab (obligatoire avec gitlab : application non confidentielle, portée api, adresse de redirection https://<site>/admin/)", example="0123456789abcdef"),
    Field("api_root", "url", "Adresse de l'API d'une instance GitLab de l'organisme (absente : gitlab.com)", example="https://gitlab.exemple.fr/api/v4"),
    Field("auth_url", "url", "Adresse du relais de connexion OAuth (obligatoire avec github, qui ne permet pas la connexion depuis le seul navigateur)", example="https://auth.exemple.fr/auth"),
))

DOCUMENT = Schema("document", "content/laureates/<slug>.md ou content/editions/<année>.md, liste documents", "Un document à télécharger", (
    Field("file", "path", "Le fichier, dans content/media/ : PDF, OpenDocument (.odt, .ods, .odp) ou Microsoft Office (.docx, .xlsx, .pptx, .doc, .xls, .ppt)", required=True, example="media/reglement-2024.pdf"),
    Field("title", "text", "Titre du document, le texte du lien (son format et sa taille sont ajoutés)", required=True, prose=True, example="Règlement de l'appel à projets"),
))

SITE = Schema("site", "content/site.yaml", "Les réglages du site", (
    Field("title", "text", "Titre du site", required=True, prose=True, example="Label Actions innovantes"),
    Field("description", "text", "Description courte du site (moteurs de recherche, partage)", required=True, prose=True, example="Les projets innovants des quartiers prioritaires du territoire."),
    Field("intro", "text", "Paragraphe d'accueil : ce qu'est le label, en deux ou trois phrases", prose=True, example="Le label distingue chaque année des projets innovants."),
    Field("language", "text", "Langue du site", required=True, example="fr"),
    Field("base_url", "url", "Adresse publique complète du site, utilisée seulement là où une adresse absolue est exigée (plan du site, flux, adresse canonique)", required=True, example="https://www.exemple.fr/label/"),
    Field("organisation", "text", "Organisme qui décerne le label et publie le site", required=True, prose=True, example="Établissement public territorial Grand-Orly Seine Bièvre"),
    Field("contact_email", "email", "Adresse e-mail de contact du site", required=True, example="contact@exemple.fr"),
    Field("logo", "path", "Logo de l'organisme, affiché dans l'en-tête et en partage (une image JPEG, PNG ou WebP de content/media/, publiée redimensionnée et sans ses métadonnées)", example="media/logo.png", image=True),
    Field("logo_alt", "text", "Texte alternatif du logo : le nom que le logo écrit, en général celui de l'organisme (obligatoire si logo)", prose=True, example="Grand-Orly Seine Bièvre"),
    Field("colour", "colour", "Couleur principale du site (liens, boutons, en-tête), entre guillemets ; refusée si son contraste avec le fond est insuffisant pour être lue (WCAG AA)", example="#1f5fa8"),
    Field("page_size", "int", "Nombre de lauréats par page dans les listes", default=24, example=24),
    Field("licence", "text", "Licence des données ouvertes", default="Licence Ouverte 2.0", example="Licence Ouverte 2.0"),
    Field("licence_url", "url", "Adresse du texte de la licence", default="https://www.etalab.gouv.fr/licence-ouverte-open-licence/", example="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    Field("editor", "mapping", "L'éditeur web /admin/ du site publié (absent : pas d'éditeur publié)", schema=EDITOR, label="Éditeur web"),
    NOTES_FIELD,
))

EDITION = Schema("édition", "content/editions/<année>.md", "Une édition annuelle de l'appel à projets ; le nom du fichier est l'année", (
    Field("number", "int", "Numéro de l'édition (1, 2, 3…)", required=True, example=3),
    Field("call_opens", "date", "Date d'ouverture de l'appel à projets", example="2020-03-01"),
    Field("call_closes", "date", "Date limite de dépôt des candidatures", example="2020-06-05"),
    Field("jury_date", "date", "Date du jury (après la clôture de l'appel à projets)", example="2020-09-15"),
    Field("results_date", "date", "Date d'annonce des lauréats (après la clôture et le jury)", example="2020-10-01"),
    Field("laureates_announced", "int", "Nombre de lauréats désignés, quand tous n'ont pas de fiche", example=13),
    Field("support_total", "euros", "Soutien financier total de l'édition en euros, quand celui de chaque lauréat n'est pas connu (sinon, la somme des soutiens des lauréats est affichée)", example=120000),
    Field("documents", "list", "Documents à télécharger (règlement, dossier de candidature… : une liste de fichiers PDF ou bureautiques de content/media/, chacun avec son titre)", schema=DOCUMENT),
    Field("draft", "bool", "true tant que la fiche n'est pas prête à publier", default=False, example=False, label="Brouillon"),
    NOTES_FIELD,
), has_body=True)

LAUREATE = Schema("lauréat", "content/laureates/<slug>.md", "Un projet lauréat ; le nom du fichier donne l'adresse de sa page", (
    Field("title", "text", "Nom du projet", required=True, prose=True, example="L'expo bavarde : l'envers du décor"),
    Field("porteur", "text", "Structure qui porte le projet", required=True, prose=True, example="Cultures du Cœur 94"),
    Field("edition", "int", "Année de l'édition qui l'a distingué (un fichier editions/<année>.md doit exister)", required=True, example=2019, choices="editions"),
    Field("quartiers", "slug_list", "Quartiers prioritaires concernés (au moins un identifiant de territory.yaml)", required=True, example=["noyer-renard"], choices="quartiers"),
    Field("themes", "slug_list", "Thématiques (au moins un identifiant de themes.yaml)", required=True, example=["culture"], choices="themes"),
    Field("summary", "text", "Résumé affiché sur les cartes et en partage (280 caractères au plus)", required=True, max_length=280, prose=True, example="Une exposition participative qui ouvre les coulisses des lieux culturels aux habitants."),
    Field("image", "path", "Image du projet (une photo JPEG, PNG ou WebP de content/media/, publiée en plusieurs tailles et sans ses métadonnées)", example="media/expo-bavarde.jpg", image=True),
    Field("image_alt", "text", "Texte alternatif de l'image (obligatoire si image)", prose=True, example="Des habitants devant les panneaux de l'exposition"),
    Field("image_credit", "text", "Crédit de la photo, affiché avec elle (obligatoire si image : « © Nom de l'auteur » ou « Photo : Nom »)", prose=True, example="© Marie Dupont"),
    Field("website", "url", "Site web du projet ou du porteur (http:// ou https://)", example="https://www.exemple.fr"),
    Field("video", "url", "Adresse d'une vidéo du projet (http:// ou https://), affichée comme un lien vers le site qui l'héberge, jamais intégrée à la page", example="https://www.youtube.com/watch?v=exemple"),
    Field("documents", "list", "Documents à télécharger (une liste de fichiers PDF ou bureautiques de content/media/, chacun avec son titre)", schema=DOCUMENT),
    Field("partners", "text_list", "Partenaires du projet", prose=True, example=["Ville d'Athis-Mons"]),
    Field("support", "euros", "Soutien financier du label en euros (un nombre entier, sans espace ni « € »)", example=10000),
    Field("draft", "bool", "true tant que la fiche n'est pas prête à publier", default=False, example=False, label="Brouillon"),
    NOTES_FIELD,
), has_body=True, body_description="Description du projet, en Markdown")

PAGE = Schema("page", "content/pages/<slug>.md", "Une page libre ; le nom du fichier donne son adresse", (
    Field("title", "text", "Titre de la page", required=True, prose=True, example="Le label"),
    Field("menu", "int", "Position dans le menu principal (absent : hors menu)", example=1),
    Field("draft", "bool", "true tant que la page n'est pas prête à publier", default=False, example=False, label="Brouillon"),
    NOTES_FIELD,
), has_body=True)

ALL_SCHEMAS = (SITE, EDITOR, TERRITORY, CONTRAT, CONTACT, QUARTIER, THEMES, THEME, EDITION, LAUREATE, DOCUMENT, PAGE)
