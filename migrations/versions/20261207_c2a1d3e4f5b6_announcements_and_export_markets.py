"""announcements to MSMEs (announcements, announcement_recipients); export markets as a list of
country codes; the date a certificate's owner was reminded of its expiry

A business's export markets were free text (in English, and translated per language). They
become a list of ISO 3166-1 alpha-2 codes: every part of the old texts that names a country
(in any of the seven languages, or by its code; case does not matter) becomes its code. What
names no country ("Europe", "(through a Jakarta exporter)") is kept, word for word, in
businesses.export_markets_note, which the owner's profile form shows until the owner has chosen
those countries and emptied it. The translated copies' column goes once its words are read.

The recognition lives here, frozen with the migration, rather than imported from the app.

Revision ID: c2a1d3e4f5b6
Revises: b1f0c2a3d4e5
Create Date: 2026-12-07 09:00:00.000000
"""

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op
from babel import Locale


# revision identifiers, used by Alembic.
revision = 'c2a1d3e4f5b6'
down_revision = 'b1f0c2a3d4e5'
branch_labels = None
depends_on = None

LANGUAGES = ('en', 'id', 'de', 'fr', 'ko', 'ms', 'zh')
NOT_COUNTRIES = {
    'AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'QO', 'TA', 'UN', 'XA', 'XB', 'XK', 'ZZ'
}
# Names people write that CLDR does not give as a country's name.
ALIASES = {
    'korea': 'KR', 'korsel': 'KR', 'usa': 'US', 'u.s.a.': 'US', 'u.s.': 'US', 'us': 'US',
    'america': 'US', 'amerika': 'US', 'united states of america': 'US', 'uk': 'GB',
    'britain': 'GB', 'great britain': 'GB', 'england': 'GB', 'inggris raya': 'GB',
    'holland': 'NL', 'uae': 'AE', 'tiongkok': 'CN', 'cina': 'CN', 'rrc': 'CN',
    'taiwan': 'TW', 'hong kong': 'HK', 'hongkong': 'HK', 'macau': 'MO',
}
# Between two markets: a comma (also the Chinese and Japanese ones), a semicolon, a slash, a
# line break, or a word for "and".
SEPARATORS = re.compile(
    r'[,;/、，；\n]|\s+(?:and|dan|und|et|dan juga|serta)\s+|\s*&\s*', re.IGNORECASE
)
ASIDE = re.compile(r'\s*[(（][^)）]*[)）]\s*')


def _key(text):
    text = unicodedata.normalize('NFKC', text).casefold().strip(' .\t\u3000')
    text = re.sub(r'^(?:the|die|der|la|le|les|l\')\s*', '', text)
    return ' '.join(text.split())


def _names():
    territories = Locale.parse('en').territories
    codes = {
        code for code in territories
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in NOT_COUNTRIES
    }
    names = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in codes:
                names.setdefault(_key(name), code)
    for code in codes:
        names.setdefault(code.lower(), code)
    for alias, code in ALIASES.items():
        names.setdefault(_key(alias), code)
    return names


def read_markets(text, names):
    """(country codes named in `text`, the parts that name no country or say more)."""
    codes, kept = set(), []
    for part in SEPARATORS.split(text or ''):
        part = part.strip(' .\t')
        if not part:
            continue
        bare = ASIDE.sub(' ', part).strip(' .\t')
        code = names.get(_key(bare))
        if code is not None:
            codes.add(code)
        if code is None or bare != part:
            kept.append(part)  # nothing of what was written is lost
    return codes, kept


businesses = sa.table(
    'businesses',
    sa.column('id', sa.Integer),
    sa.column('export_markets', sa.String),
    sa.column('export_market_codes', sa.JSON),
    sa.column('export_markets_note', sa.Text),
)
translations = sa.table(
    'business_translations',
    sa.column('business_id', sa.Integer),
    sa.column('locale', sa.String),
    sa.column('export_markets', sa.String),
)


def _convert(bind):
    names = _names()
    rows = bind.execute(sa.select(businesses.c.id, businesses.c.export_markets)).all()
    translated = {}
    for business_id, locale, text in bind.execute(
        sa.select(translations.c.business_id, translations.c.locale, translations.c.export_markets)
        .where(translations.c.export_markets.is_not(None))
        .order_by(translations.c.business_id, translations.c.locale)
    ):
        translated.setdefault(business_id, []).append((locale, text))
    for business_id, text in rows:
        codes, kept = read_markets(text, names)
        lines = [', '.join(kept)] if kept else []
        for locale, other in translated.get(business_id, []):
            more, left = read_markets(other, names)
            codes |= more
            if left:
                lines.append(f'[{locale}] ' + ', '.join(left))
        bind.execute(
            businesses.update()
            .where(businesses.c.id == business_id)
            .values(
                export_market_codes=sorted(codes),
                export_markets_note='\n'.join(lines) or None,
            )
        )


def upgrade():
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_id', sa.String(length=160), nullable=False),
    sa.Column('body_id', sa.Text(), nullable=False),
    sa.Column('title_en', sa.String(length=160), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('subsector_codes', sa.JSON(), nullable=False),
    sa.Column('districts', sa.JSON(), nullable=False),
    sa.Column('certification_codes', sa.JSON(), nullable=False),
    sa.Column('channel_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'sent', name='status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_announcements_created_by_id_users')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_announcements_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_status'), ['status'], unique=False)

    op.create_table('announcement_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_recipients_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_announcement_recipients_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_recipients_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_recipients')),
    sa.UniqueConstraint('announcement_id', 'business_id', name=op.f('uq_announcement_recipients_announcement_id_business_id'))
    )
    with op.batch_alter_table('announcement_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_announcement_recipients_user', ['user_id', 'announcement_id'], unique=False)

    # Plain ADD COLUMN: nullable columns need no table rebuild on SQLite.
    op.add_column('business_certifications', sa.Column('expiry_reminded_for', sa.Date(), nullable=True))
    op.add_column('businesses', sa.Column('export_market_codes', sa.JSON(), nullable=True))
    op.add_column('businesses', sa.Column('export_markets_note', sa.Text(), nullable=True))
    _convert(op.get_bind())

    with op.batch_alter_table('business_translations', schema=None) as batch_op:
        batch_op.drop_column('export_markets')
    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.drop_column('export_markets')
    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.alter_column(
            'export_market_codes',
            new_column_name='export_markets',
            existing_type=sa.JSON(),
            nullable=False,
            server_default=sa.text("'[]'"),
        )


def downgrade():
    """The codes back as English names, and what was not recognised after them."""
    op.add_column('businesses', sa.Column('export_markets_text', sa.String(length=255), nullable=True))
    bind = op.get_bind()
    english = Locale.parse('en').territories
    table = sa.table(
        'businesses',
        sa.column('id', sa.Integer),
        sa.column('export_markets', sa.JSON),
        sa.column('export_markets_note', sa.Text),
        sa.column('export_markets_text', sa.String),
    )
    for business_id, codes, note in bind.execute(
        sa.select(table.c.id, table.c.export_markets, table.c.export_markets_note)
    ).all():
        if isinstance(codes, str):
            codes = json.loads(codes)
        parts = [str(english.get(code, code)) for code in codes or []]
        if note:
            parts.append(note.splitlines()[0])
        text = ', '.join(parts)[:255] or None
        bind.execute(
            table.update().where(table.c.id == business_id).values(export_markets_text=text)
        )
    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.drop_column('export_markets_note')
        batch_op.drop_column('export_markets')
    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.alter_column(
            'export_markets_text',
            new_column_name='export_markets',
            existing_type=sa.String(length=255),
        )
    with op.batch_alter_table('business_translations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('export_markets', sa.VARCHAR(length=255), nullable=True))

    with op.batch_alter_table('business_certifications', schema=None) as batch_op:
        batch_op.drop_column('expiry_reminded_for')

    with op.batch_alter_table('announcement_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_announcement_recipients_user')

    op.drop_table('announcement_recipients')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_status'))

    op.drop_table('announcements')
