//! The closed vocabularies records use (`method`, `type`, `status`, ...), spelled in kebab-case
//! exactly as SPEC section 4 names them.

/// Declares a kebab-case string enum with `ALL`, `as_str`, `Display` and `FromStr`.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
                 serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as written in records.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "`{s}` is not one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// How a communication was sent or delivered.
    Method {
        Email = "email", Letter = "letter", CertifiedMail = "certified-mail",
        HandDelivered = "hand-delivered", Fax = "fax", Portal = "portal", Phone = "phone",
        InPerson = "in-person", Video = "video", Verbal = "verbal",
    }
}

string_enum! {
    /// Why a record must stay out of some bundles.
    Confidentiality { Mediation = "mediation" }
}

string_enum! {
    /// Where an IEP version stands.
    IepStatus { Draft = "draft", Proposed = "proposed", Final = "final", Amendment = "amendment" }
}

string_enum! {
    /// The unit a service's minutes are counted in.
    Per { Day = "day", Week = "week", Month = "month", Year = "year" }
}

string_enum! {
    /// What a parent asked for.
    RequestType {
        Evaluation = "evaluation", Reevaluation = "reevaluation", Iee = "iee",
        Records = "records", IepMeeting = "iep-meeting", Pwn = "pwn",
        Accommodation = "accommodation", Service = "service", Placement = "placement",
        Facilitation = "facilitation", Mediation = "mediation",
        RecordsAmendment = "records-amendment", DraftDocuments = "draft-documents",
        Other = "other",
    }
}

string_enum! {
    /// How a refusal was communicated.
    RefusalVia {
        Pwn = "pwn", Letter = "letter", Email = "email", Verbal = "verbal",
        Meeting = "meeting", NoResponse = "no-response",
    }
}

string_enum! {
    /// What the district decided in a response.
    ResponseDecision {
        Granted = "granted", Partial = "partial", Scheduled = "scheduled", Other = "other",
    }
}

string_enum! {
    /// Whether a prior written notice proposes or refuses an action.
    PwnAction { Propose = "propose", Refuse = "refuse" }
}

string_enum! {
    /// What a notice is about.
    NoticeType {
        Recording = "recording", Meeting = "meeting",
        ProceduralSafeguards = "procedural-safeguards",
        PrivatePlacement = "private-placement",
        /// The district's referral of the child for an evaluation.
        Referral = "referral",
        /// A party's written notice that a due process complaint is insufficient
        /// (34 CFR 300.508(d)(1)).
        SufficiencyChallenge = "sufficiency-challenge",
        Other = "other",
    }
}

string_enum! {
    /// What a consent covers.
    ConsentScope {
        InitialEvaluation = "initial-evaluation", Reevaluation = "reevaluation",
        InitialServices = "initial-services", RecordsRelease = "records-release",
        Other = "other",
    }
}

string_enum! {
    /// The parent's answer to a consent request.
    ConsentDecision { Given = "given", Declined = "declined", Revoked = "revoked" }
}

string_enum! {
    /// What kind of meeting took place.
    MeetingType {
        Iep = "iep", Eligibility = "eligibility", EvaluationPlanning = "evaluation-planning",
        FacilitatedIep = "facilitated-iep", Mediation = "mediation", Resolution = "resolution",
        Manifestation = "manifestation", Hearing = "hearing", Other = "other",
    }
}

impl MeetingType {
    /// The meeting in words: "IEP meeting", "due process hearing".
    pub fn words(self) -> &'static str {
        match self {
            MeetingType::Iep => "IEP meeting",
            MeetingType::Eligibility => "eligibility meeting",
            MeetingType::EvaluationPlanning => "evaluation planning meeting",
            MeetingType::FacilitatedIep => "facilitated IEP meeting",
            MeetingType::Mediation => "mediation meeting",
            MeetingType::Resolution => "resolution meeting",
            MeetingType::Manifestation => "manifestation meeting",
            MeetingType::Hearing => "due process hearing",
            MeetingType::Other => "other meeting",
        }
    }
}

string_enum! {
    /// What kind of evaluation was done.
    EvaluationType {
        Initial = "initial", Reevaluation = "reevaluation", Iee = "iee", Private = "private",
        Fba = "fba", Other = "other",
    }
}

string_enum! {
    /// Which way a communication went.
    Direction { Sent = "sent", Received = "received", Call = "call" }
}

string_enum! {
    /// Which formal complaint was filed.
    ComplaintType {
        StateComplaint = "state-complaint", DueProcess = "due-process",
        ExpeditedDueProcess = "expedited-due-process",
    }
}

string_enum! {
    /// Who filed a complaint.
    FiledBy { Parent = "parent", District = "district" }
}

string_enum! {
    /// What kind of decision or agreement closed a dispute.
    DecisionType {
        ComplaintFindings = "complaint-findings", HearingDecision = "hearing-decision",
        MediationAgreement = "mediation-agreement", ResolutionAgreement = "resolution-agreement",
        Settlement = "settlement",
        /// Both parties waive the resolution meeting in writing (34 CFR 300.510(a)(3)(i)).
        ResolutionWaiver = "resolution-waiver",
        /// Both parties agree to use mediation instead of the resolution meeting
        /// (34 CFR 300.510(a)(3)(ii)).
        AgreementToMediate = "agreement-to-mediate",
        /// Both parties agree in writing that no agreement is possible (34 CFR 300.510(c)(2)).
        NoAgreement = "no-agreement",
        /// A party withdraws from mediation continued past the resolution period
        /// (34 CFR 300.510(c)(3)).
        MediationWithdrawal = "mediation-withdrawal",
        /// The hearing officer's ruling on a sufficiency challenge (34 CFR 300.508(d)(2)).
        SufficiencyRuling = "sufficiency-ruling",
        Other = "other",
    }
}

string_enum! {
    /// The kind of disciplinary removal.
    Removal {
        Iss = "iss", Oss = "oss", Expulsion = "expulsion", Iaes = "iaes", Other = "other",
    }
}

string_enum! {
    /// Whether a case is still being worked.
    CaseStatus { Open = "open", Closed = "closed" }
}
