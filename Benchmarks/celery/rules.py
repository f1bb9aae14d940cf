"""The three stages of a ChungTay batch (RULES.md: household review, loan status,
notifications) in Python, for the Celery side-by-side of scripts/bench-small.

The rules read the same rule data as the Swift workers (Sources/ChungTayRules/RuleData,
or CHUNGTAY_RULE_DATA), and the documents are written with the members in the order the
Swift workers write them, so that the two can be compared document by document
(compare_documents.py). Numbers are exact (Decimal and Fraction) where the rules say so.
This is a benchmark port: the record checks cover RULES.md 1.7 and 2.1, but the office
file formats (workbooks, other encodings, localised numbers) of the Swift reader are not
ported; the lists are the CSV or JSON Lines that `chungtay demo-data` writes.
"""

import calendar
import datetime
import json
import operator
import os
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction

RULE_DATA = os.environ.get(
    "CHUNGTAY_RULE_DATA",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Sources", "ChungTayRules", "RuleData"),
)


def _load(name):
    with open(os.path.join(RULE_DATA, name), encoding="utf-8") as file:
        return json.load(file, parse_float=Decimal)


# --- values -------------------------------------------------------------------------------

ABSENT = object()


class Invalid:
    """A value of the wrong type or form, with the text as given."""

    __slots__ = ("given",)

    def __init__(self, given):
        self.given = given


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def text(value):
    """A text field: trimmed, NFC; empty is absent."""
    if value is None:
        return ABSENT
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value.strip())
        return value if value else ABSENT
    return Invalid("")


def number(value):
    if value is None:
        return ABSENT
    if isinstance(value, bool):
        return Invalid(str(value).lower())
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        # A JSON Lines number: its shortest round-trip spelling is the text the file had.
        return Decimal(repr(value))
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return ABSENT
        if _NUMBER.match(value):
            try:
                return Decimal(value)
            except InvalidOperation:
                pass
        return Invalid(value)
    return Invalid(str(value))


def boolean(value):
    if value is None:
        return ABSENT
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = value.strip().lower()
        if not folded:
            return ABSENT
        if folded in ("true", "1", "có"):
            return True
        if folded in ("false", "0", "không"):
            return False
    return Invalid(str(value))


def parse_date(value):
    """A date, absent, or Invalid."""
    if value is None:
        return ABSENT
    if not isinstance(value, str):
        return Invalid(str(value))
    value = value.strip()
    if not value:
        return ABSENT
    match = _DATE.match(value)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    return Invalid(value)


def term_adjustments(value):
    """A list of (dueOn, newDueOn), each a date or Invalid; Invalid when not such a list."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if not isinstance(value, list):
        return Invalid("")
    entries = []
    for element in value:
        if not isinstance(element, dict):
            return Invalid("")
        due, new_due = parse_date(element.get("dueOn")), parse_date(element.get("newDueOn"))
        if due is ABSENT or new_due is ABSENT:
            return Invalid("")
        entries.append((due, new_due))
    return entries


def whole(value):
    """The integer a Decimal holds, or None."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return None


def add_months(date, months):
    total = date.year * 12 + date.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def whole_months(start, end):
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def decimal_text(value):
    """A decimal as JSON writes it: no exponent, no trailing zeros."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def half_up(fraction):
    return int((fraction + Fraction(1, 2)) // 1)


def fold(name):
    return " ".join(unicodedata.normalize("NFC", name).lower().split())


# --- rule data ----------------------------------------------------------------------------


class Rules:
    def __init__(self):
        flags = _load("record-flags.json")["flags"]
        self.flag_entries = flags
        self.standards = [_load(name) for name in sorted(os.listdir(RULE_DATA)) if name.startswith("standard-")]
        for standard in self.standards:
            standard["from"] = datetime.date.fromisoformat(standard["appliesFrom"])
            standard["to"] = datetime.date.fromisoformat(standard["appliesTo"])
        self.policy = _load("review-policy.json")
        programmes = _load("programmes.json")
        self.programmes = programmes["programmes"]
        self.programme_by_id = {p["id"]: p for p in self.programmes}
        self.buckets = programmes["overdue"]["buckets"]
        self.surcharge_rate = programmes["overdue"]["interestMultiplier"] - 1
        self.day_basis = programmes["interestDayCountBasis"]
        self.due_soon_days = programmes["dueSoonDaysDefault"]
        communes = _load("communes.json")
        self.prefixes = [fold(p) for p in communes["ignoredPrefixes"]]
        self.current_communes = {}
        formed = []
        for commune in communes["communes"]:
            self.current_communes[self.commune_key(commune["name"])] = commune["name"]
            formed += [(self.commune_key(old), commune["name"]) for old in commune["formedFrom"]]
        self.renamed = {key: new for key, new in formed if key not in self.current_communes}
        self.notification_rules = _load("notification-rules.json")
        self.templates = _load("notification-templates.json")
        self.compiled = {
            kind: {language: compile_template(template) for language, template in texts.items()}
            for kind, texts in self.templates["types"].items()
        }
        self.village_prefixes = [
            unicodedata.normalize("NFC", p).lower() for p in self.templates["places"]["village"]["prefixes"]
        ]

    def commune_key(self, name):
        folded = fold(name)
        for prefix in self.prefixes:
            if folded.startswith(prefix):
                rest = folded[len(prefix):]
                if prefix.endswith(".") or rest.startswith(" "):
                    return fold(rest)
        return folded

    def flag(self, code, field, detail="", new_commune=None, position=None):
        entry = self.flag_entries[code]
        values = {"field": field, "detail": detail, "newCommune": new_commune or ""}
        if position is not None:
            values.update(file=position["file"], line=str(position["line"]), column=str(position["column"]))

        def render(template):
            return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], ""), template)

        flag = {
            "code": code,
            "severity": entry["severity"],
            "field": field,
            "message_vi": render(entry["vi"]),
            "message_en": render(entry["en"]),
        }
        if new_commune is not None:
            flag["newCommune"] = new_commune
        return flag

    def standard_for(self, as_of):
        for standard in self.standards:
            if standard["from"] <= as_of <= standard["to"]:
                return standard
        return None


def unreadable_flag(input_error, source, rules):
    """The record_unreadable error of an item whose line could not be read (docs/BATCH.md)."""
    return rules.flag("record_unreadable", input_error.get("field") or "", input_error["message"],
                      position=dict(source, column=input_error["column"]))


def error_references(flags):
    """The error flags as notices carry them: code and field (an empty field is null)."""
    return [{"code": f["code"], "field": f["field"] or None, "severity": "error"} for f in flags if f["severity"] == "error"]


def has_error(flags):
    return any(flag["severity"] == "error" for flag in flags)


# --- stage A: household review ------------------------------------------------------------

COUNT_FIELDS = (
    "unemployedMembers", "noContractWageMembers", "dependants", "malnourishedChildren",
    "uninsuredMembersAged6Plus", "undereducatedAdults16to30", "childrenOutOfSchool3to15",
)
BOOL_FIELDS = (
    ("safeWater", True), ("hygienicLatrine", True), ("telecomUse", True), ("informationDevices", True),
    ("ethnicMinority", False), ("especiallyDifficultArea", False),
)
LIST_STATUSES = ("poor", "near_poor", "newly_escaped", "average", "none")
ASSOCIATIONS = ("farmers", "women", "veterans", "youth")


def count(value):
    if value is ABSENT:
        return ABSENT
    integer = whole(value)
    return integer if integer is not None and integer >= 0 else Invalid("")


def review_household(record, list_flags, input_error, source, as_of, rules, standard):
    """The review document's members (without the runtime's) and the notice for stage C."""
    flags = []

    def add(code, field, detail=""):
        flags.append(rules.flag(code, field, detail))

    code = text(record.get("householdCode"))
    head = text(record.get("headName"))
    citizen = text(record.get("citizenId"))
    commune = text(record.get("commune"))
    area = text(record.get("area"))
    members = count(number(record.get("members")))
    monthly = number(record.get("monthlyIncomePerCapita"))
    annual = number(record.get("annualHouseholdIncome"))
    counts = {field: count(number(record.get(field))) for field in COUNT_FIELDS}
    non_durable = count(number(record.get("nonDurableHousingParts")))
    if isinstance(non_durable, int) and non_durable > 3:
        non_durable = Invalid("")
    housing = number(record.get("housingAreaM2"))
    list_status_text = text(record.get("listStatus"))
    list_status = list_status_text if list_status_text in LIST_STATUSES else None
    since = parse_date(record.get("listStatusSince"))
    association_text = text(record.get("association"))
    association = association_text if association_text in ASSOCIATIONS else None
    bools = {field: boolean(record.get(field)) for field, _ in BOOL_FIELDS}

    for field, value in (("householdCode", code), ("headName", head), ("commune", commune)):
        if value is ABSENT:
            add("field_missing", field)
    if list_status == "newly_escaped" and since is ABSENT:
        add("field_missing", "listStatusSince")
    for field in ("householdCode", "headName", "province", "commune", "village"):
        if isinstance(text(record.get(field)), Invalid):
            add("field_invalid", field)
    for field in COUNT_FIELDS:
        if isinstance(counts[field], Invalid):
            add("field_invalid", field)
    if isinstance(non_durable, Invalid):
        add("field_invalid", "nonDurableHousingParts")
    if isinstance(housing, Invalid):
        add("field_invalid", "housingAreaM2")
    for field, _ in BOOL_FIELDS:
        if isinstance(bools[field], Invalid):
            add("field_invalid", field)
    if list_status_text is not ABSENT and list_status is None:
        add("field_invalid", "listStatus")
    if isinstance(text(record.get("savingsGroup")), Invalid):
        add("field_invalid", "savingsGroup")
    if association_text is not ABSENT and association is None:
        add("field_invalid", "association")
    if isinstance(text(record.get("phone")), Invalid):
        add("field_invalid", "phone")

    if isinstance(citizen, str) and len(citizen) == 12 and citizen.isascii() and citizen.isdigit():
        codes = rules.policy["citizenIdProvinceCodes"]
        if not codes["from"] <= int(citizen[:3]) <= codes["to"]:
            add("citizen_id_province", "citizenId", citizen[:3])
    else:
        add("citizen_id_format", "citizenId")
    valid_members = members if isinstance(members, int) and members >= 1 else None
    if valid_members is None:
        add("members_invalid", "members")

    def valid_income(value):
        return value if isinstance(value, Decimal) and value >= 0 else None

    if monthly is ABSENT and annual is ABSENT:
        add("income_missing", "monthlyIncomePerCapita")
    else:
        if monthly is not ABSENT and valid_income(monthly) is None:
            add("income_missing", "monthlyIncomePerCapita")
        if annual is not ABSENT and valid_income(annual) is None:
            add("income_missing", "annualHouseholdIncome")
    if valid_members is not None:
        for field in COUNT_FIELDS:
            if isinstance(counts[field], int) and counts[field] > valid_members:
                add("counts_exceed_members", field, str(counts[field]))
    if area not in ("rural", "urban"):
        add("area_invalid", "area")
    if housing is ABSENT or (isinstance(housing, Decimal) and housing < 0):
        add("housing_area_invalid", "housingAreaM2")
    if isinstance(since, Invalid):
        add("date_invalid", "listStatusSince", since.given)

    current_commune = commune if isinstance(commune, str) else None
    if current_commune is not None:
        key = rules.commune_key(current_commune)
        if key in rules.current_communes:
            current_commune = rules.current_communes[key]
        elif key in rules.renamed:
            new_name = rules.renamed[key]
            flags.append(rules.flag("commune_renamed", "commune", current_commune, new_name))
            current_commune = new_name
    for list_flag in list_flags:
        if list_flag == "duplicate_citizen_id":
            flags.append(rules.flag(list_flag, "citizenId"))
        else:
            flags.append(rules.flag(list_flag, "householdCode", code if isinstance(code, str) else ""))
    if input_error:
        flags.append(unreadable_flag(input_error, source, rules))

    def str_or_none(value):
        return value if isinstance(value, str) else None

    previous = "none" if list_status_text is ABSENT else list_status
    document = {
        "asOf": as_of.isoformat(),
        "householdCode": str_or_none(code),
        "headName": str_or_none(head),
        "commune": current_commune,
        "village": str_or_none(text(record.get("village"))),
        "savingsGroup": str_or_none(text(record.get("savingsGroup"))),
        "association": association,
        "standard": standard["id"],
        "incomePerCapita": None,
        "povertyLine": None,
        "deprivations": [],
        "deprivationCount": None,
        "classification": None,
        "previous": previous,
        "current": None,
        "escapedOn": None,
        "change": "none",
        "eligiblePrograms": [],
        "priorityScore": None,
        "flags": flags,
        "whatIf": None,
    }
    facts = None
    if (not has_error(flags) and valid_members is not None and previous is not None
            and (previous != "newly_escaped" or isinstance(since, datetime.date))
            and isinstance(housing, Decimal) and housing >= 0
            and all(not isinstance(v, Invalid) for v in bools.values())):
        if valid_income(monthly) is not None:
            income = int(monthly // 1)
        else:
            income = int(annual // (12 * valid_members))
        facts = {field: (0 if counts[field] is ABSENT else counts[field]) for field in COUNT_FIELDS}
        facts.update({field: (default if bools[field] is ABSENT else bools[field]) for field, default in BOOL_FIELDS})
        facts.update(members=valid_members, nonDurableHousingParts=0 if non_durable is ABSENT else non_durable,
                     housingAreaM2=housing, incomePerCapita=income)
    if facts is not None:
        classified, deprivations, line = classify(standard, facts, area)
        current, escaped_on = current_status(classified, previous, since, as_of, rules)
        document.update(
            incomePerCapita=facts["incomePerCapita"], povertyLine=line, deprivations=deprivations,
            deprivationCount=len(deprivations), classification=classified, current=current,
            escapedOn=escaped_on.isoformat() if escaped_on else None, change=list_change(previous, current),
        )
        document["eligiblePrograms"] = [
            p["id"] for p in rules.programmes if admits(p["eligibleWhen"], current, classified, area)
        ]
        score = rules.policy["priorityScore"]
        if current in score["base"]:
            priority = score["base"][current]
            if facts["ethnicMinority"]:
                priority += score["ethnicMinority"]
            if facts["especiallyDifficultArea"]:
                priority += score["especiallyDifficultArea"]
            priority += max(0, len(deprivations) - score["deprivationsCountedFrom"]) * score["perDeprivationBeyond"]
        else:
            priority = 0
        document["priorityScore"] = priority
    notice = {
        "householdCode": document["householdCode"], "headName": document["headName"],
        "commune": document["commune"], "village": document["village"],
        "savingsGroup": document["savingsGroup"], "association": association,
        "previous": previous, "current": document["current"], "change": document["change"],
        "priorityScore": document["priorityScore"],
        "phone": first_mobile(str_or_none(text(record.get("phone"))), rules),
        "flags": error_references(flags),
    }
    return document, notice


COMPARISONS = (("atLeast", operator.ge), ("above", operator.gt), ("below", operator.lt), ("atMost", operator.le))


def classify(standard, facts, area):
    deprivations = []
    for indicator in standard["indicators"]:
        rule = indicator["deprivedWhen"]
        if "fact" in rule:
            deprived = facts[rule["fact"]] == rule["is"]
        else:
            # Exact: integers and Decimals, the threshold scaled by the members rather
            # than the sum divided (24 m² for 3 members is exactly 8 per person).
            total = sum(facts[name] for name in rule["sumOf"])
            scale = facts["members"] if rule.get("perMember") else 1
            for comparison, test in COMPARISONS:
                if comparison in rule:
                    deprived = test(total, rule[comparison] * scale)
        if deprived:
            deprivations.append(indicator["id"])
    threshold = standard["incomeThresholds"][area]
    income = facts["incomePerCapita"]
    if income <= threshold["povertyLine"]:
        classified = "poor" if len(deprivations) >= standard["poorMinimumDeprivations"] else "near_poor"
    elif threshold["averageBandCeiling"] is not None and income <= threshold["averageBandCeiling"]:
        classified = "average"
    else:
        classified = "above"
    return classified, deprivations, threshold["povertyLine"]


def current_status(classified, previous, since, as_of, rules):
    if classified in ("poor", "near_poor"):
        return classified, None
    if previous in ("poor", "near_poor"):
        return "newly_escaped", as_of
    if previous == "newly_escaped" and isinstance(since, datetime.date):
        if as_of < add_months(since, 12 * rules.policy["newlyEscapedPeriodYears"]):
            return "newly_escaped", since
    return classified, None


def list_change(previous, current):
    if previous in ("none", "average") and current in ("poor", "near_poor"):
        return "entered_poverty"
    if (previous, current) == ("poor", "near_poor"):
        return "poor_to_near_poor"
    if (previous, current) == ("near_poor", "poor"):
        return "near_poor_to_poor"
    if previous in ("poor", "near_poor") and current == "newly_escaped":
        return "escaped"
    if previous == "newly_escaped" and current in ("average", "above"):
        return "newly_escaped_expired"
    if previous == "newly_escaped" and current in ("poor", "near_poor"):
        return "reentered"
    return "none"


def admits(gate, current, classified, area):
    if gate is None:
        return False
    return (current in gate.get("current", (current,)) and classified in gate.get("classification", (classified,))
            and area in gate.get("area", (area,)))


def first_mobile(phone, rules):
    """The first valid Vietnamese mobile number in the text, as 0XXXXXXXXX."""
    if phone is None:
        return None
    rule = rules.notification_rules["mobileNumbers"]
    digits, country, prefixes = rule["digits"], rule["countryCode"], rule["prefixes"]
    longest = digits - 1 + len(country)

    def national(candidate):
        if len(candidate) == digits and candidate[:2] in prefixes:
            return candidate
        if len(candidate) == longest and candidate.startswith(country):
            number = "0" + candidate[len(country):]
            return number if number[:2] in prefixes else None
        return None

    candidate, overlong = "", False
    for character in phone:
        if "0" <= character <= "9":
            if len(candidate) < longest:
                candidate += character
            else:
                overlong = True
        elif character in " .-()":
            if not overlong and national(candidate):
                return national(candidate)
        elif character == "+" and not candidate:
            continue
        else:
            if not overlong and national(candidate):
                return national(candidate)
            candidate, overlong = "", False
    return None if overlong else national(candidate)


# --- stage B: loan status -----------------------------------------------------------------


def loan_status(record, list_flags, input_error, source, as_of, rules):
    flags = []

    def add(code, field, detail=""):
        flags.append(rules.flag(code, field, detail))

    def date(field):
        value = parse_date(record.get(field))
        return value if isinstance(value, datetime.date) else None

    def whole_field(field):
        value = number(record.get(field))
        return whole(value) if isinstance(value, Decimal) else None

    loan_id = text(record.get("loanId"))
    code = text(record.get("householdCode"))
    program_text = text(record.get("program"))
    programme = rules.programme_by_id.get(program_text) if isinstance(program_text, str) else None
    principal = whole_field("principal")
    principal = principal if principal is not None and principal > 0 else None
    disbursed, maturity = date("disbursedOn"), date("maturityOn")
    period = whole_field("repaymentPeriodMonths")
    period = period if period is not None and period >= 1 else None
    if number(record.get("principalRepaid")) is ABSENT:
        repaid = 0
    else:
        repaid = whole_field("principalRepaid")
        repaid = repaid if repaid is not None and repaid >= 0 else None
    rate_value = number(record.get("annualRatePercent"))
    rate = rate_value if isinstance(rate_value, Decimal) and rate_value >= 0 else None
    frozen_from, frozen_to = parse_date(record.get("frozenFrom")), parse_date(record.get("frozenTo"))
    misused = boolean(record.get("misusedFunds"))
    adjustments = term_adjustments(record.get("termAdjustments"))

    for field in ("loanId", "householdCode", "program", "principal", "disbursedOn", "maturityOn", "repaymentPeriodMonths"):
        if text(record.get(field)) is ABSENT:
            add("field_missing", field)
    if frozen_from is ABSENT and frozen_to is not ABSENT:
        add("field_missing", "frozenFrom")
    if frozen_to is ABSENT and frozen_from is not ABSENT:
        add("field_missing", "frozenTo")
    if misused is True and parse_date(record.get("misuseFoundOn")) is ABSENT:
        add("field_missing", "misuseFoundOn")
    if isinstance(loan_id, Invalid):
        add("field_invalid", "loanId")
    if isinstance(code, Invalid):
        add("field_invalid", "householdCode")
    if isinstance(program_text, Invalid) or (isinstance(program_text, str) and programme is None):
        add("field_invalid", "program", program_text if isinstance(program_text, str) else "")
    if number(record.get("principal")) is not ABSENT and principal is None:
        add("field_invalid", "principal")
    if number(record.get("repaymentPeriodMonths")) is not ABSENT and period is None:
        add("field_invalid", "repaymentPeriodMonths")
    if repaid is None:
        add("field_invalid", "principalRepaid")
    if rate_value is not ABSENT and rate is None:
        add("field_invalid", "annualRatePercent")
    if isinstance(adjustments, Invalid):
        add("field_invalid", "termAdjustments")
    if isinstance(misused, Invalid):
        add("field_invalid", "misusedFunds")
    for field in ("disbursedOn", "maturityOn"):
        value = parse_date(record.get(field))
        if isinstance(value, Invalid):
            add("date_invalid", field, value.given)
        if field == "maturityOn" and disbursed and maturity and maturity <= disbursed:
            add("date_invalid", "maturityOn", f"{maturity} ≤ {disbursed}")
    value = parse_date(record.get("interestPaidThrough"))
    if isinstance(value, Invalid):
        add("date_invalid", "interestPaidThrough", value.given)
    adjustments = [] if isinstance(adjustments, Invalid) else adjustments
    for position, entry in enumerate(adjustments):
        for name, value in zip(("dueOn", "newDueOn"), entry):
            if isinstance(value, Invalid):
                add("date_invalid", f"termAdjustments[{position}].{name}", value.given)
    for field in ("extendedTo", "frozenFrom", "frozenTo"):
        value = parse_date(record.get(field))
        if isinstance(value, Invalid):
            add("date_invalid", field, value.given)
    if date("frozenFrom") and date("frozenTo") and date("frozenTo") < date("frozenFrom"):
        add("date_invalid", "frozenTo", f"{date('frozenTo')} < {date('frozenFrom')}")
    for field in ("writtenOffOn", "misuseFoundOn"):
        value = parse_date(record.get(field))
        if isinstance(value, Invalid):
            add("date_invalid", field, value.given)
    if principal is not None and programme and programme["maxPrincipal"] is not None and principal > programme["maxPrincipal"]:
        add("principal_above_programme_max", "principal", str(programme["maxPrincipal"]))
    if principal is not None and repaid is not None and repaid > principal:
        add("overpaid", "principalRepaid")

    code_text = code if isinstance(code, str) else None
    listed = [rules.flag("household_not_in_list", "householdCode", code_text or "") for _ in list_flags]
    if input_error:
        listed.append(unreadable_flag(input_error, source, rules))
    document = {
        "asOf": as_of.isoformat(), "loanId": loan_id if isinstance(loan_id, str) else None,
        "householdCode": code_text, "program": programme["id"] if programme else None,
        "status": None, "outstanding": None, "overduePrincipal": None, "daysOverdue": None, "overdueBucket": None,
        "nextDueOn": None, "nextDueAmount": None, "interestDue": None, "overdueSurcharge": None,
        "annualRatePercent": None, "flags": flags + listed,
    }
    if (has_error(flags + listed) or not isinstance(loan_id, str) or code_text is None or programme is None
            or principal is None or period is None or repaid is None or not disbursed or not maturity
            or not disbursed < maturity
            or any(isinstance(value, Invalid) for entry in adjustments for value in entry)):
        return document, loan_notice(document)
    rate = rate if rate is not None else programme["annualRatePercent"]
    frozen = (date("frozenFrom"), date("frozenTo")) if date("frozenFrom") and date("frozenTo") \
        and date("frozenFrom") <= date("frozenTo") else None
    misuse_found = date("misuseFoundOn") if misused is True else None

    months = whole_months(disbursed, maturity)
    k = max(1, -(-months // period))
    amount = principal // k
    schedule = [[add_months(disbursed, i * period), amount, amount * i] for i in range(1, k)]
    schedule.append([maturity, principal - amount * (k - 1), principal])
    warnings, extended, adjusted = [], [], []
    for position, (due, new_due) in enumerate(adjustments):
        field, detail = f"termAdjustments[{position}]", f"{due} → {new_due}"
        index = next((i for i, instalment in enumerate(schedule) if instalment[0] == due), None)
        # The maturity never moves, and no instalment moves past the next one's due date.
        if index is not None and index < len(schedule) - 1 and due < new_due <= schedule[index + 1][0]:
            schedule[index][0] = new_due
            adjusted.append(rules.flag("adjusted", field, detail))
        else:
            warnings.append(rules.flag("term_adjustment_invalid", field, detail))
    extended_to = date("extendedTo")
    if extended_to:
        if extended_to > maturity:
            for instalment in schedule:
                if instalment[2] > repaid:
                    instalment[0] = extended_to
            extended.append(rules.flag("extended", "extendedTo", extended_to.isoformat()))
        else:
            warnings.append(rules.flag("extension_invalid", "extendedTo", f"{extended_to} ≤ {maturity}"))
    if frozen:
        for instalment in schedule:
            if frozen[0] <= instalment[0] <= frozen[1]:
                instalment[0] = frozen[1] + datetime.timedelta(days=1)
    information = extended + adjusted
    if misuse_found:
        information.append(rules.flag("misuse", "misusedFunds", misuse_found.isoformat()))
    document["flags"] = flags + warnings + listed + information

    balance = max(0, principal - repaid)
    unpaid = [(i, min(s[1], s[2] - repaid)) for i, s in enumerate(schedule) if s[2] > repaid]
    overdue = []
    for index, part in unpaid:
        due = schedule[index][0]
        if misuse_found and misuse_found < due:
            due = misuse_found
        if due < as_of:
            overdue.append((due, part))
    written_off = date("writtenOffOn")
    nxt = unpaid[0] if unpaid else None
    if written_off and written_off <= as_of:
        status = "written_off"
    elif balance <= 0:
        status = "settled"
    elif frozen and frozen[0] <= as_of <= frozen[1]:
        status = "frozen"
    elif overdue:
        status = "overdue"
    elif nxt and 0 <= (schedule[nxt[0]][0] - as_of).days <= rules.due_soon_days:
        status = "due_soon"
    else:
        status = "current"
    document.update(status=status, outstanding=balance, overduePrincipal=0, daysOverdue=0, annualRatePercent=rate)
    if status == "overdue":
        days = (as_of - min(due for due, _ in overdue)).days
        document.update(overduePrincipal=sum(part for _, part in overdue), daysOverdue=days)
        for bucket in rules.buckets:
            if bucket["fromDays"] <= days and (bucket["toDays"] is None or days <= bucket["toDays"]):
                document["overdueBucket"] = bucket["label"]
                break
    if nxt and status not in ("settled", "written_off"):
        document.update(nextDueOn=schedule[nxt[0]][0].isoformat(), nextDueAmount=nxt[1])
    if status in ("frozen", "settled", "written_off"):
        document.update(interestDue=0, overdueSurcharge=0)
    else:
        paid_through = date("interestPaidThrough") or disbursed

        def interest_days(start, end):
            if start >= end:
                return 0
            days = (end - start).days
            if frozen:
                low, high = max(start, frozen[0]), min(end - datetime.timedelta(days=1), frozen[1])
                if low <= high:
                    days -= (high - low).days + 1
            return days

        yearly = Fraction(rate) / 100 / rules.day_basis
        document["interestDue"] = half_up(balance * yearly * interest_days(paid_through, as_of))
        surcharge = Fraction(0)
        if status == "overdue":
            for due, part in overdue:
                surcharge += part * yearly * Fraction(rules.surcharge_rate) * interest_days(max(due, paid_through), as_of)
        document["overdueSurcharge"] = half_up(surcharge)
    return document, loan_notice(document)


def loan_notice(document):
    notice = {key: document[key] for key in ("loanId", "householdCode", "status", "nextDueOn", "nextDueAmount",
                                             "daysOverdue", "overduePrincipal")}
    notice["flags"] = error_references(document["flags"])
    return notice


RATE_MARK = "@@annualRatePercent@@"


def loan_document_text(document):
    """The loan document as one line of JSON, annualRatePercent written as its decimal
    (json cannot write a Decimal as the number it is)."""
    rate = document["annualRatePercent"]
    line = json.dumps(dict(document, annualRatePercent=None if rate is None else RATE_MARK),
                      ensure_ascii=False, separators=(",", ":"))
    return line if rate is None else line.replace('"' + RATE_MARK + '"', decimal_text(Decimal(rate)), 1)


# --- stage C: notifications ---------------------------------------------------------------


def compile_template(template):
    """Literal strings, ("field", name) and ("optional", [parts]) for `[ … ]` segments."""

    def parse(piece):
        parts = []
        for index, chunk in enumerate(re.split(r"\{(\w+)\}", piece)):
            if index % 2:
                parts.append(("field", chunk))
            elif chunk:
                parts.append(chunk)
        return parts

    parts = []
    for index, chunk in enumerate(re.split(r"\[([^\]]*)\]", template)):
        if index % 2:
            parts.append(("optional", parse(chunk)))
        else:
            parts.extend(parse(chunk))
    return parts


def unaccented(value):
    result = []
    for character in unicodedata.normalize("NFD", value):
        point = ord(character)
        if 0x20 <= point <= 0x7E:
            result.append(character)
        elif point in (0x09, 0x0A, 0x0D):
            result.append(" ")
        elif point == 0x111:
            result.append("d")
        elif point == 0x110:
            result.append("D")
        elif unicodedata.combining(character) == 0:
            result.append("?")
    return "".join(result)


SMS_EXTENSION = set("^{}\\[]~|")


def sms_parts(sms, rules):
    limits = rules.notification_rules["sms"]
    sms = sms.replace("`", "'")
    if sum(2 if c in SMS_EXTENSION else 1 for c in sms) <= limits["singleMessageLimit"]:
        return sms, [sms]
    parts, start, used = [], 0, 0
    for index, character in enumerate(sms):
        width = 2 if character in SMS_EXTENSION else 1
        if used + width > limits["concatenatedPartLimit"]:
            parts.append(sms[start:index])
            start, used = index, 0
        used += width
    if start < len(sms):
        parts.append(sms[start:])
    return sms, parts


def grouped(amount, separator):
    digits = str(abs(amount))
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return ("-" if amount < 0 else "") + separator.join(groups)


class Composer:
    def __init__(self, rules, as_of, review):
        self.rules, self.as_of, self.review = rules, as_of, review

    def recipients(self, kind):
        return list(self.rules.notification_rules["types"][kind]["recipients"])

    def compose(self, kind, subject, key_fields, roles, loan, errors=()):
        rules = self.rules
        if loan is not None:
            household = self.review if self.review and self.review["householdCode"] == loan["householdCode"] else None
        else:
            household = self.review
        code = loan["householdCode"] if loan is not None else (household or {}).get("householdCode")
        recipients = []
        for role in roles:
            address = rules.notification_rules["recipientRoles"][role]
            if "fixedId" in address:
                id_value = address["fixedId"]
            elif address["idFrom"] == "householdCode":
                id_value = code
            else:
                id_value = (household or {}).get(address["idFrom"])
            recipient = {"role": role, "id": id_value, "channel": address["channel"]}
            if role == "borrower":
                recipient["phone"] = (household or {}).get("phone")
            recipients.append(recipient)
        values = {
            "householdCode": code, "headName": (household or {}).get("headName"),
            "commune": (household or {}).get("commune"), "village": (household or {}).get("village"),
            "previous": (household or {}).get("previous"), "current": (household or {}).get("current"),
            "loanId": loan and loan["loanId"], "subject": subject,
            "nextDueOn": loan and loan["nextDueOn"], "nextDueAmount": loan and loan["nextDueAmount"],
            "overduePrincipal": loan and loan["overduePrincipal"], "daysOverdue": loan and loan["daysOverdue"],
            "month": True, "corrections": errors or None, "fields": errors or None,
        }
        texts = rules.compiled[kind]
        message_vi = self.render(texts["vi"], "vi", values)
        message_en = self.render(texts["en"], "en", values)
        sms, parts = sms_parts(unaccented(self.render(texts["sms"], "sms", values)), rules)
        document = {
            "asOf": self.as_of.isoformat(), "type": kind,
            "dedupKey": "|".join([kind] + [field or "" for field in key_fields]),
            "subject": subject, "recipients": recipients, "message_vi": message_vi, "message_en": message_en,
            "sms": sms, "smsParts": len(parts), "smsSegments": parts,
        }
        if kind == "data_correction":
            document["corrections"] = [{"code": e["code"], "field": e["field"]} for e in errors]
        return document

    def render(self, parts, language, values):
        out = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif part[0] == "field":
                out.append(self.value(part[1], language, values))
            elif all(isinstance(p, str) or values.get(p[1]) is not None for p in part[1]):
                out.append(self.render(part[1], language, values))
        return "".join(out)

    def value(self, field, language, values):
        value = values.get(field)
        templates = self.rules.templates
        if value is None:
            return ""
        if field == "village":
            lower = value.lower()
            for prefix in self.rules.village_prefixes:
                if lower.startswith(prefix) and (len(lower) == len(prefix) or lower[len(prefix)] == " "
                                                 or lower[len(prefix)].isdigit()):
                    return value
            word = templates["places"]["village"]["en" if language == "en" else "vi"]
            return word + " " + value
        if field == "nextDueOn":
            try:
                date = datetime.date.fromisoformat(value)
            except ValueError:
                return value
            return date.isoformat() if language == "en" else date.strftime("%d/%m/%Y")
        if field in ("nextDueAmount", "overduePrincipal"):
            return grouped(value, "," if language == "en" else ".")
        if field == "daysOverdue":
            return str(value)
        if field in ("previous", "current"):
            label = templates["statusLabels"].get(value)
            return value if label is None else label["en" if language == "en" else "vi"]
        if field == "month":
            return f"{self.as_of:%Y-%m}" if language == "en" else f"{self.as_of:%m/%Y}"
        if field == "corrections":
            return templates["lists"]["corrections"].join(self.correction(e, language) for e in value)
        if field == "fields":
            names = []
            for error in value:
                name = self.field_name(self.correction_entry(error)[1], language)
                if name not in names:
                    names.append(name)
            return templates["lists"]["fields"].join(names)
        return str(value)

    def correction_entry(self, error):
        entry = self.rules.templates["corrections"].get(error["code"], self.rules.templates["otherCorrection"])
        return entry, entry.get("field", error["field"])

    def field_name(self, field, language):
        names = self.rules.templates["fieldNames"]
        label = names.get(field, self.rules.templates["otherField"])
        return label["en" if language == "en" else "vi"]

    def correction(self, error, language):
        entry, field = self.correction_entry(error)
        sentence = entry.get("fields", {}).get(field)
        key = "en" if language == "en" else "vi"
        if sentence:
            return sentence[key]
        return entry[key].replace("{field}", self.field_name(field, language))


def notifications(review, loans, as_of, rules):
    """RULES.md section 3 for one household's review and loans, in the table's order."""
    composer = Composer(rules, as_of, review)
    month = f"{as_of:%Y-%m}"
    result = []
    for loan in loans:
        if loan["status"] == "due_soon":
            result.append((composer.compose("due_reminder", loan["loanId"], [loan["loanId"], loan["nextDueOn"]],
                                            composer.recipients("due_reminder"), loan), loan))
    escalation = rules.notification_rules["types"]["overdue_notice"]["escalation"]
    for loan in loans:
        if loan["status"] == "overdue":
            days = loan["daysOverdue"] or 0
            roles = composer.recipients("overdue_notice")
            level = 1
            for step in escalation:
                if days > step["daysOverdueAbove"]:
                    roles += step["addRecipients"]
                    level += 1
            result.append((composer.compose("overdue_notice", loan["loanId"], [loan["loanId"], month, str(level)],
                                            roles, loan), loan))
    if review and review["change"] not in (None, "none"):
        result.append((composer.compose(
            "list_change", review["householdCode"],
            [review["householdCode"], (review["previous"] or "") + ">" + (review["current"] or "")],
            composer.recipients("list_change"), None), review))
    supplement = rules.notification_rules["types"]["supplement_candidate"]["forCurrent"]
    if review and review["current"] in supplement:
        active = any(loan["status"] not in (None, "settled", "written_off")
                     and loan["householdCode"] == review["householdCode"] for loan in loans)
        if not active:
            result.append((composer.compose("supplement_candidate", review["householdCode"],
                                            [review["householdCode"], month],
                                            composer.recipients("supplement_candidate"), None), review))
    if review and review["flags"]:
        result.append((composer.compose("data_correction", review["householdCode"], [review["householdCode"], month],
                                        composer.recipients("data_correction"), None, review["flags"]), review))
    for loan in loans:
        if loan["flags"]:
            result.append((composer.compose("data_correction", loan["loanId"], [loan["loanId"], month],
                                            composer.recipients("data_correction"), loan, loan["flags"]), loan))
    return result


def chunk_notifications(reviews, loans, as_of, rules):
    """Stage C of one chunk: each review with its loans, then the remaining loans household
    by household in the order they first appear (a loan without a code alone)."""
    by_code = {}
    order = []
    alone = []
    for loan in loans:
        code = loan["householdCode"]
        if code is None:
            alone.append([loan])
            continue
        if code not in by_code:
            by_code[code] = []
            order.append(code)
        by_code[code].append(loan)
    result = []
    for review in reviews:
        result += notifications(review, by_code.pop(review["householdCode"], []), as_of, rules)
    groups = [by_code[code] for code in order if code in by_code] + alone
    for group in groups:
        result += notifications(None, group, as_of, rules)
    return result
