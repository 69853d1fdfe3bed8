//! The words generated records are made of: people, companies, titles, places.

use models::sales::lead::LeadStatus;

pub(super) const FIRST: [&str; 24] = [
    "Ada", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Yara",
];
pub(super) const LAST: [&str; 24] = [
    "Anders", "Brook", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito",
    "Jensen", "Kowalski", "Laine", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi",
    "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Young",
];
pub(super) const COMPANIES: [&str; 30] = [
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella Labs",
    "Stark Logistics",
    "Wayne Foods",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell Systems",
    "Wonka Retail",
    "Oscorp",
    "Aperture Science",
    "Massive Dynamic",
    "Pied Piper",
    "Prestige Worldwide",
    "Dunder Mifflin",
    "Gringotts",
    "Monarch Solutions",
    "Blue Sun",
    "Nakatomi",
    "Sirius Cybernetics",
    "Virtucon",
    "Zorg Industries",
    "Bluth Company",
    "Sterling Cooper",
    "Genco Pura",
    "Duff Brewing",
    "Krusty Holdings",
];
pub(super) const TITLES: [&str; 10] = [
    "CEO",
    "VP Sales",
    "Head of Operations",
    "Director of IT",
    "Sales Manager",
    "Procurement Lead",
    "Software Engineer",
    "Marketing Manager",
    "CFO",
    "Operations Analyst",
];
pub(super) const INDUSTRIES: [&str; 6] = [
    "Manufacturing",
    "Software",
    "Logistics",
    "Retail",
    "Finance",
    "Healthcare",
];
pub(super) const COUNTRIES: [&str; 6] = [
    "United States",
    "Germany",
    "United Kingdom",
    "France",
    "Japan",
    "Canada",
];
pub(super) const SOURCES: [&str; 6] =
    ["Web", "Referral", "Event", "Outbound", "Partner", "Webinar"];
pub(super) const STATUSES: [LeadStatus; 5] = [
    LeadStatus::New,
    LeadStatus::Working,
    LeadStatus::Nurture,
    LeadStatus::Qualified,
    LeadStatus::Disqualified,
];

/// A company's made-up domain (`.example`, which never resolves).
pub(super) fn domain_of(company: &str) -> String {
    let slug: String = company
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("{slug}.example")
}
