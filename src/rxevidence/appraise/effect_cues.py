"""The cue tables of :mod:`.effect`: the words and patterns that say a clause is about harms, that there was
no difference, that the studied drug did better or worse, which outcomes are better lower or higher, and how
clauses split. Kept apart from the reading logic so that each can be read (and changed) on its own.
"""

from __future__ import annotations

import re

from .text import rx as _rx

SAFETY_CLAUSE = _rx(
    r"\b(?:well[-\s]tolerated|tolerab\w+|tolerated|adverse|side[-\s]effects?|safety|safe\b|safely|toxicit\w+|dry\s+mouth|"
    r"withdrawals?\s+(?:due|because)|discontinu\w+\s+(?:due|because)|dropouts?|somnolence|sedation|dizziness|"
    r"nausea\s+and\s+vomiting|headache\s+was\s+the\s+most|extrapyramidal|weight\s+gain|hypoglyc\w+\s+(?:episodes?|"
    r"events?)|laboratory|abnormalit\w+|complications|bleeding|ulcers?\s+(?:rates?|incidence)|insomnia\s+was|"
    r"less\s+insomnia|compliance|convenien\w+|cost\w*|expensive|preferred|preference|irritation|reporting|"
    r"adverse\s+event\s+profile|event\s+frequency|respiratory\s+depression|airway\s+obstruction|desaturation|pharmacokinetic\w*|"
    r"(?:drug|drug-drug|pharmacokinetic)\s+interactions?|bioavailab\w+)"
)
_EFFICACY_NEAR = _rx(r"\b(?:effective\w*|efficac\w+|superior|improv\w+|relie\w+|respon\w+|remission|healing|mortality|"
                     r"symptom\w*|pain|analges\w+|relapse|blood\s+pressure|control|decreas\w+|reduc\w+|lower\w*|"
                     r"prevent\w*|episodes|attacks|healed)\b")
NO_DIFF = _rx(
    r"\bno\s+(?:statistically\s+)?significant\w*\s+(?:\w+\s+)?(?:difference|differences|change|changes|effect|effects|"
    r"benefit|improvement|reduction|advantage|superiority|treatment\s+effects?)\b|\bnot\s+(?:statistically\s+)?"
    r"significant(?:ly)?\b|\bnon-?significant\w*|\binsignificant\b|\bdid\s+not\s+(?:significantly\s+)?(?:differ|change|"
    r"improve|reduce|decrease|increase|affect|alter|show|demonstrate|reach|result|outperform|prevent|influence|modify|"
    r"lower|prolong|provide|produce|enhance|benefit|protect|confer)\b|\bdo(?:es)?\s+not\s+(?:\w+\s+)?(?:improve|reduce|"
    r"affect|alter|prevent|appear|seem|influence|offer|provide|enhance|protect|differ|induce|cause|produce)\b|\bno\s+(?:difference|differences|"
    r"change|effect|benefit|advantage|improvement|evidence\s+(?:of|for|that)|clinically\s+(?:relevant|significant|"
    r"important)\s+\w+)\b|\b(?:were|was|are|is)\s+(?:similar|comparable|equivalent|equally\s+effective|not\s+"
    r"different)\b|\bsimilar\s+(?:efficacy|effects?|improvements?|results|reductions?|response|decreases?|"
    r"increases?|to|in|between)\b|\bcomparable\s+(?:efficacy|effects?|improvements?|results|reductions?|clinical|to|"
    r"with|in|between)\b|\bclinically\s+comparable\b|\bequivalen\w+|\bas\s+(?:effective|efficacious|good)\s+as\b|\b(?:work\w*|perform\w*|did|does|do|fared|functioned|responded)\s+(?:\w+\s+)?as\s+well\s+as\b|"
    r"\bequally\s+(?:effective|efficacious)\b|(?<!who\s)(?<!that\s)\bfailed\s+to\s+(?!respond\b)|\bnot\s+(?:superior|"
    r"better|more\s+effective|different)\b|\bno\s+(?:better|more\s+effective)\s+than\b|\bneither\b.{0,80}\bnor\b|"
    r"\bneither\s+(?:form|drug|treatment|regimen|group|agent|formulation|preparation|dose|of\s+the)\b|\bineffective\b|"
    r"\bnot\s+(?:an?\s+)?(?:effective|efficacious|useful|beneficial)\b|\bno\s+(?:overall\s+)?(?:effect|benefit)\b|"
    r"\bnon-?inferior\w*|\bwithout\s+(?:a\s+)?(?:significant|any)\s+(?:effect|difference|benefit)\b|\bunaffected\b|"
    r"\bunchanged\b|\b(?:was|were)\s+not\s+(?:demonstrated|shown|observed|found|detected)\b|\bcould\s+not\s+be\s+"
    r"(?:demonstrated|shown)\b|\bno\s+(?:anti-?\w+|\w+-lowering|\w+-reducing)\s+effect\b|\babsence\s+of\s+"
    r"(?:any\s+)?(?:significant\s+)?(?:differences?|effects?|benefits?)\b|\b(?:useful|suitable|valuable|reasonable|"
    r"effective)\s+alternative\s+to\b|\bno\s+advantage\b|\bprovides?\s+no\s+(?:\w+\s+)?support\b|\bno\s+support\s+for\b|\boffered\s+no\b|\bdid\s+not\s+offer\b|^\s*not\s+"
)
BETTER = _rx(
    r"\b(?:is|was|are|were|be|being|proved|proven|remains?|appears?\s+to\s+be|seems?\s+to\s+be)\s+(?:an?\s+|as\s+)?"
    r"(?:(?:safe|well[-\s]tolerated|rapid|highly|very|more|also|clinically|statistically|both)\s*(?:,|and)?\s+){0,3}"
    r"(?:effective|efficacious|useful|beneficial|superior|successful|of\s+benefit|valuable)\b|"
    r"\b(?:effective|efficacious|useful|beneficial|successful)\s+(?:and\s+[\w-]+\s+)?(?:treatment|therapy|drug|agent|"
    r"option|analgesic|in\s+(?:the\s+)?(?:treatment|management|reducing|relieving|preventing|improving|controlling)|"
    r"for\b)|\bsuperior\s+(?:efficacy|over)\b|\b(?:significantly|statistically\s+significantly|markedly|"
    r"substantially|consistently|clearly)\s+(?:more\s+)?(?:better|superior|greater|more|improv\w+|reduc\w+|"
    r"decreas\w+|lower\w*|increas\w+|higher|prolong\w+|shorter|fewer|less|prevent\w*|enhanc\w+|attenuat\w+|"
    r"alleviat\w+|reliev\w+|effective|efficacious|impeded|slowed)|\bsignificant\s+(?:reduc\w+|decreas\w+|fall|drop|"
    r"declin\w+|increas\w+|rise|improvement)\s+(?:in|of)\b|\bbenefit(?:ed|s|ted)?\b(?!\s+of\s+"
    r"(?:adding|the\s+addition))|\bbeneficial\s+effects?\b|\bimproved\b|\bimproves\b|\bimprovement\s+(?:in|of)\b|"
    r"\breduced\b|\breduces\b|\breduction\s+(?:in|of)\b|\bprevent(?:ed|s)\b|\brelie(?:ved|ves|f\s+of)\b|"
    r"\bcan\s+(?:significantly\s+)?(?:reduce|improve|prevent|relieve|control|lower|decrease|save|be\s+used\s+\w+\s+to)\b|"
    r"\b(?:may|might|could|can)\s+(?:\w+\s+)?(?:enhance|improve|relieve|alleviate|benefit)\b|"
    r"\bprovid\w+\s+(?:\w+\s+){0,3}(?:relief|benefit|improvement|efficacy|protection|resolution)\b|\boutperform\w*\b|"
    r"\beffectively\s+(?:reduc|lower|improv|relie|control|prevent|treat)\w*|\b(?:lowering|reducing|protective|sparing|relieving)\s+effects?\b|\b(?:positive|favou?rable|"
    r"therapeutic|anti-?\w+)\s+(?:effects?|impact|results?|outcomes?|responses?)\b|\bconfirm\w*\s+(?:the\s+)?"
    r"(?:\w+[-\s]?){0,2}(?:efficacy|effectiveness|benefit)\b|\bdemonstrat\w+\s+(?:the\s+|its\s+)?(?:\w+\s+)?"
    r"(?:efficacy|effectiveness|benefit)\b|\b(?:relief|improvement|benefit|response|remission)\s+(?:was|were)\s+"
    r"(?:obtained|achieved|observed|seen|noted|reported|found)\b|\bsignificantly\s+(?:impeded|slowed|delayed)\b|"
    r"\bhelps?\s+(?:to\s+)?(?:reduce|improve|relieve|prevent)\b|\bfacilitat(?:es|ed)\b|\bachiev\w+\s+(?:\w+\s+){0,4}?(?:efficacy|relief|control|benefit)\b|\bsaved?\s+\d*\s*lives\b"
)
WORSE = _rx(
    r"\bless\s+effective\b|\bless\s+efficacious\b|\binferior\b|\bworse\b|\bworsen\w*|\bdeteriorat\w+|\bincreased\s+"
    r"(?:the\s+)?(?:risk|mortality|rates?\s+of\s+(?:death|events|relapse)|incidence\s+of\s+(?:death|events))\b|"
    r"\bharmful\b|\bdetrimental\b|\bhigher\s+(?:mortality|relapse|risk\s+of\s+(?:death|relapse|events))\b"
)
NEGATED_BETTER = _rx(r"\b(?:not|no|nor|neither|never|without|failed\s+to|unlikely\s+to)\s+(?:\w+\s+){0,3}?"
                     r"(?:effective|efficacious|superior|better|beneficial|improv\w+|reduc\w+|benefit\w*)")
# "A was superior to B", "similar to that of B", "more effective than B": a comparison with its target
_TARGETED = _rx(
    r"(?P<cmp>superior|inferior|more\s+effective|less\s+effective|more\s+efficacious|less\s+efficacious|better|worse|"
    r"similar|comparable|equivalent|equal|as\s+(?:effective|efficacious|good)|non-?inferior|different|"
    r"(?:useful|suitable|valuable|effective)\s+alternative|outperform(?:ed|s)?|advantage|"
    r"(?:significant\s+)?(?:improvement|reduction|relief|benefit)s?|"
    r"(?:greater|larger|bigger|smaller|lower|higher|fewer|more|less|shorter|longer)\b(?:\s+(?:[\w/-]+|@[SC]\d+@|\([^()]{0,30}\))){0,8}?)"
    r"(?:\s*,?\s*(?:[\w-]+,?\s+){0,5}?)?\s*,?\s*(?:to|than|over|versus|vs\.?|with|compared\s+(?:with|to)|relative\s+to|"
    r"from|as)\s+(?:(?:if|when)\s+(?:they|patients)\s+(?:are|were)\s+(?:treated|given)\s+with\s+|that\s+(?:of|with|"
    r"seen\s+with|observed\s+with|in)\s+|those\s+(?:of|with|in|receiving|on|taking)\s+|the\s+|patients\s+(?:on|"
    r"receiving|given|treated\s+with|in\s+the)\s+|in\s+the\s+)?(?P<target>(?:[\w.-]+\s+){0,3}?(?:placebo|control|"
    r"vehicle|sham|untreated|@S\d+@|@C\d+@)|the\s+other\b|(?:their\s+|its\s+)?monotherap\w+|(?-i:[A-Z][\w-]*[A-Z0-9][\w-]*)|"
    r"(?:conventional|immediate-release|standard|usual|individual)\s+[\w-]+)",
)
_NEG_BEFORE = _rx(r"\b(?:not|no|nor|neither)\s+(?:\w+\s+){0,5}$|\bwas\s+not\s+(?:significantly\s+)?$|\bnot\s+significantly\s+$")
LOWER_IS_BETTER = _rx(
    r"\b(?:pain|symptoms?|mortality|deaths?|events?|risk|relapses?|recurrences?|attacks?|frequency|severity|blood\s+"
    r"pressure|glucose|hba1c|glycosylated|cholesterol|ldl|triglycerides?|albuminuria|proteinuria|albumin\s+excretion|"
    r"hospitali[sz]ations?|admissions?|incontinence|episodes?|ulcers?|progression|infarct\s+size|hot\s+flush\w*|"
    r"hot\s+flash\w*|nausea|vomiting|spasticity|tone|seizures?|ischemi\w+|ischaemi\w+|angina|heartburn|itch\w*|"
    r"sneez\w+|congestion|rhinorrh\w+|disability|depressi\w+|anxiety|psychopathology|scores?|index|weight|micturitions?|"
    r"urgency|nocturia|reinfarction|stroke|myocardial\s+infarction|heart\s+failure|exacerbations?|rates?\s+of\s+"
    r"(?:death|relapse|recurrence)|tic\s+severity|hyperactivity|inattention|mania|psychosis|insomnia|sleep\s+latency|"
    r"edema|oedema|bleeding|fractures?|migraine|headache\w*|dysmenorrh\w+|stiffness|tenderness|somnolence|"
    r"sleepiness|fatigue|wetting|enuresis|st[-\s]segment\s+depression|infarct\w*|reflux|acid|rebound|sbp|dbp|"
    r"sidbp|sisbp|diastolic|systolic)\b"
)
HIGHER_IS_BETTER = _rx(
    r"\b(?:survival|response|responders?|remission|healing|healed|relief|improvement|eradication|cure|quality\s+of\s+"
    r"life|function\w*|exercise\s+(?:time|tolerance|capacity|duration)|walking\s+distance|ejection\s+fraction|"
    r"continence|pain[-\s]free|sleep\s+(?:duration|quality|efficiency)|bone\s+(?:mineral\s+)?density|hdl|success|"
    r"time\s+to\s+(?:\w+\s+){0,3}(?:angina|st|depression|onset\s+of\s+angina)|event-free|volume\s+voided|"
    r"(?:pain|symptom)\s+relief|global\s+(?:improvement|assessment)|analgesia|duration\s+of\s+analgesia|vigor|"
    r"energy|well-being|wellbeing|mood|performance|remission\s+rates?|response\s+rates?|therapeutic\s+response|"
    r"free\s+of\s+symptoms|symptom-free|normal\s+function|exercise\s+time|workload|abstinence|adherence|effective\w*|"
    r"efficacy|benefit\w*|continent|dry|knowledge|skills?|competence|resolution)\b"
)
_DOWN = _rx(r"\b(?:reduc\w+|decreas\w+|lower\w*|less(?:er)?|fewer|declin\w+|diminish\w+|attenuat\w+|alleviat\w+|"
            r"fell|fall|falls|shorter|suppress\w+|inhibit\w+|prevent\w*|lessen\w*|drop\w*|smaller|impeded|slowed)\b")
_UP = _rx(r"\b(?:increas\w+|higher|greater|more|elevat\w+|ris(?:e|es|ing)|rose|longer|prolong\w+|enhanc\w+|"
          r"rais\w+|augment\w+|doubl\w+|larger|bigger)\b")
_CHANGE_NOUN_DOWN = _rx(r"^\s*(?:[\w-]+\s+){0,2}?(?:fall|falls|reduction|reductions|decrease|decreases|decline|drop|"
                        r"lowering|suppression|loss)\b")
_CHANGE_NOUN_UP = _rx(r"^\s*(?:[\w-]+\s+){0,2}?(?:increase|increases|rise|elevation|gain)\b")
_CLAUSE_SPLIT = re.compile(r";|,?\s+\b(?:but|whereas|while|although|though|however|yet)\b,?\s+|\.\s+|\bexcept\b|"
                           r",\s+and\s+(?=(?:had|has|was|were|is|produced|showed|caused|resulted|led)\b)|\s+and\s+(?=there\s+(?:was|were)\b)|"
                           r"\s+and\s+(?=(?:did|does|do|was|were|had|has)\s+not\b)",
                           re.I)
_HEDGE = _rx(r"\b(?:may|might|could|possibly|possibility|appears?|seems?|suggest\w*|tend\w*|trend\w*|probabl\w+|"
             r"preliminary)\b")
_BOTH = _rx(r"\b(?:both|all\s+(?:three|four|\d)|each|either)\s+(?:[\w-]+\s+){0,4}?(?:drugs|treatments|groups|regimens|"
            r"arms|agents|formulations|preparations|doses|active\s+treatments|therapies)\b|\bin\s+both\s+groups\b|"
            r"\bin\s+each\s+group\b")
# "both X and (high-dose) Y", the studied drug and its comparator named
_BOTH_NAMED = re.compile(r"(?:\bboth\s+|(?:^|[,:])\s*)(?:\([^()]*\)\s*)?(?:@S\d+@\s*(?:\([^()]*\)\s*)?and\s+(?:\([^()]*\)\s*)?@C\d+@|"
                         r"@C\d+@\s*(?:\([^()]*\)\s*)?and\s+(?:\([^()]*\)\s*)?@S\d+@)", re.I)
_BASELINE = _rx(r"\b(?:similar|comparable|matched|balanced|no\s+(?:significant\s+)?differences?)\s+(?:\w+\s+){0,3}?"
                r"(?:at|in)\s+baseline\b|\bat\s+baseline\b|\bbaseline\s+(?:characteristics|values|levels|demographic\w*|"
                r"variables)\b|\bdemographic\s+variables?\b|\bwell\s+matched\b")
_OTHER_PEOPLE = _rx(r"\b(?:similar|comparable|equivalent|identical)\s+to\s+(?:that|those)\s+(?:of|in|seen\s+in|reported\s+in|"
                   r"found\s+in)\s+(?:the\s+)?(?:younger|older|elderly|healthy|normal|adult|pediatric|paediatric|non-?\w+|"
                   r"other)\s+(?:\w+\s+)?(?:patients|subjects|volunteers|people|persons|adults|children|individuals|"
                   r"populations?|men|women)\b")
_INTERNAL = _rx(r"\b(?:doses|dosages|one\s+another|each\s+other|formulations|regimens|the\s+(?:two|three|four)\s+"
                r"(?:active|drugs|treatments|doses))\b")
_ARMS_WORDS = _rx(r"\b(?:groups?|arms?|treatments?|therap\w+|regimens?|drugs?|formulations?|doses?|dosages?|"
                  r"versus|vs\.?|between|compared|either|neither|both|medication|agents?|preparations?|receiving)\b")
_PLACEBO_T = _rx(r"\b(?:placebo|control|vehicle|sham|untreated)\b")
