"""The words the due-date contract and the imports accept: roles, case types, services."""

from enum import StrEnum


class Role(StrEnum):
    SOCIAL_WORKER = "social_worker"
    NQSW = "nqsw"
    STUDENT = "student"
    NON_CASE_HOLDING = "non_case_holding"
    BUSINESS_SUPPORT = "business_support"
    TEAM_MANAGER = "team_manager"
    RESIDENTIAL_PART_TIME = "residential_part_time"


class CaseType(StrEnum):
    EARLY_HELP = "early_help"
    ASSESSMENT = "assessment"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    CHILD_IN_CARE = "child_in_care"
    CARE_LEAVER = "care_leaver"
    FOSTER_CARER = "foster_carer"
    YOUTH_OFFENDING = "youth_offending"
    CLINICAL = "clinical"
    QUALITY_ASSURANCE = "quality_assurance"
    CWD_REVIEW_ONLY = "cwd_review_only"
    LEAVING_CARE_THREE_MONTHLY = "leaving_care_three_monthly"
    ADOPTION = "adoption"
    PLO = "plo"


class Risk(StrEnum):
    STANDARD = "standard"
    HIGH = "high"


class Service(StrEnum):
    DEFAULT = "default"
    FAMILY_EARLY_HELP = "family_early_help"
    YOUTH_OFFENDING = "youth_offending"
