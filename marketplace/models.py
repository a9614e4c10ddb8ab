"""Imports every feature's models so that metadata, migrations and relationships see them all."""

from marketplace.accounts.models import BuyerProfile, User
from marketplace.announcements.models import Announcement, AnnouncementRecipient
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.channels.models import (
    CatalogFile,
    Channel,
    ChannelView,
    Nomination,
    NominationScore,
    Scan,
)
from marketplace.counting.models import CountedVisit
from marketplace.interests.models import (
    ConversationRead,
    Escalation,
    EscalationNote,
    Interest,
    Message,
    ShortlistEntry,
    StandVisitor,
)
from marketplace.jobs.models import Job
from marketplace.ledger.models import AbuseReport, AuditEntry, ExchangeRate
from marketplace.mail.models import OutboxEmail
from marketplace.matching.models import (
    MatchingBooking,
    MatchingEvent,
    MatchingMeeting,
    MatchingParticipant,
)
from marketplace.notifications.models import Notification
from marketplace.office.models import InterestFact, ProductViewDay, ReportDay
from marketplace.products.models import Product, ProductImage, ProductTranslation
from marketplace.reference.models import Certification, PartnerCity, Subsector
from marketplace.rfq.models import BuyingRequest, Quote, QuoteMessage, RequestRecipient
from marketplace.sheets.models import SheetUpload
from marketplace.stock.models import Sale, Settlement, Shipment, StockMovement
from marketplace.tokens.models import ApiToken
from marketplace.versions import DataVersion

__all__ = [
    "AbuseReport",
    "Announcement",
    "AnnouncementRecipient",
    "ApiToken",
    "AuditEntry",
    "Business",
    "BusinessCertification",
    "BuyingRequest",
    "BuyerProfile",
    "CatalogFile",
    "Certification",
    "Channel",
    "ChannelView",
    "ConversationRead",
    "CountedVisit",
    "DataVersion",
    "Escalation",
    "EscalationNote",
    "ExchangeRate",
    "Interest",
    "InterestFact",
    "Job",
    "MatchingBooking",
    "MatchingEvent",
    "MatchingMeeting",
    "MatchingParticipant",
    "Message",
    "Nomination",
    "NominationScore",
    "Notification",
    "OutboxEmail",
    "PartnerCity",
    "Product",
    "ProductImage",
    "ProductTranslation",
    "ProductViewDay",
    "Quote",
    "QuoteMessage",
    "ReportDay",
    "RequestRecipient",
    "Sale",
    "Scan",
    "Settlement",
    "Shipment",
    "SheetUpload",
    "ShortlistEntry",
    "StandVisitor",
    "StockMovement",
    "Subsector",
    "User",
]
