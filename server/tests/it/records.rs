//! Records for tests, made through the real server functions so that every rule (validation,
//! roles, audit) applies to the setup as it does to the test:
//! `lead("Ada", "Lovelace").email("ada@x.io").company("X").create(&app, &session).await`,
//! `deal("Northwind renewal").amount("120000").create(&app, &session).await`,
//! `account("Acme").domain("acme.io").create(…)`, `contact("Ada", "L").at("Acme").create(…)`.

use crate::harness::TestApp;
use app::api::accounts::CreateAccount;
use app::api::contacts::CreateContact;
use app::api::leads::CreateLead;
use app::api::pipeline::CreateOpportunity;
use models::sales::account::{Account, AccountInput};
use models::sales::contact::{Contact, ContactInput};
use models::sales::lead::{Lead, LeadInput};
use models::{AppError, OpportunityId, UserId};

/// A lead to create; only the names are required.
pub struct LeadBuilder {
    input: LeadInput,
}

pub fn lead(first: &str, last: &str) -> LeadBuilder {
    LeadBuilder {
        input: LeadInput {
            first_name: first.into(),
            last_name: last.into(),
            ..LeadInput::default()
        },
    }
}

impl LeadBuilder {
    pub fn email(mut self, email: &str) -> LeadBuilder {
        self.input.email = email.into();
        self
    }

    pub fn company(mut self, company: &str) -> LeadBuilder {
        self.input.company = company.into();
        self
    }

    pub fn title(mut self, title: &str) -> LeadBuilder {
        self.input.title = title.into();
        self
    }

    pub fn industry(mut self, industry: &str) -> LeadBuilder {
        self.input.industry = industry.into();
        self
    }

    pub fn country(mut self, country: &str) -> LeadBuilder {
        self.input.country = country.into();
        self
    }

    pub fn source(mut self, source: &str) -> LeadBuilder {
        self.input.source = source.into();
        self
    }

    pub fn employees(mut self, count: &str) -> LeadBuilder {
        self.input.employee_count = count.into();
        self
    }

    pub fn owner(mut self, owner: UserId) -> LeadBuilder {
        self.input.owner_id = owner.to_string();
        self
    }

    pub fn custom(mut self, key: &str, value: &str) -> LeadBuilder {
        self.input.custom.insert(key.into(), value.into());
        self
    }

    /// The form as it would be sent, for tests that change it further.
    pub fn input(self) -> LeadInput {
        self.input
    }

    /// Sends it, as `session`; the server's answer.
    pub async fn try_create(self, app: &TestApp, session: &str) -> Result<Lead, AppError> {
        app.invoke(Some(session), CreateLead { input: self.input })
            .await
    }

    /// Sends it, as `session`, and fails the test if the server refuses.
    pub async fn create(self, app: &TestApp, session: &str) -> Lead {
        let name = format!("{} {}", self.input.first_name, self.input.last_name);
        self.try_create(app, session)
            .await
            .unwrap_or_else(|e| panic!("create the lead {name}: {e}"))
    }
}

/// A deal to create from the board's form, closing on 2027-03-01 (by default for 50,000).
pub struct DealBuilder {
    name: String,
    amount: String,
    close_date: String,
}

pub fn deal(name: &str) -> DealBuilder {
    DealBuilder {
        name: name.into(),
        amount: "50000".into(),
        close_date: "2027-03-01".into(),
    }
}

impl DealBuilder {
    pub fn amount(mut self, amount: &str) -> DealBuilder {
        self.amount = amount.into();
        self
    }

    pub fn closes(mut self, date: &str) -> DealBuilder {
        self.close_date = date.into();
        self
    }

    /// Sends it, as `session`, and fails the test if the server refuses.
    pub async fn create(self, app: &TestApp, session: &str) -> OpportunityId {
        let name = self.name.clone();
        app.invoke(
            Some(session),
            CreateOpportunity {
                name: self.name,
                amount: self.amount,
                close_date: self.close_date,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("create the deal {name}: {e}"))
    }
}

/// An account to create; only the name is required.
pub struct AccountBuilder {
    input: AccountInput,
}

pub fn account(name: &str) -> AccountBuilder {
    AccountBuilder {
        input: AccountInput {
            name: name.into(),
            ..AccountInput::default()
        },
    }
}

impl AccountBuilder {
    pub fn domain(mut self, domain: &str) -> AccountBuilder {
        self.input.domain = domain.into();
        self
    }

    pub fn industry(mut self, industry: &str) -> AccountBuilder {
        self.input.industry = industry.into();
        self
    }

    pub fn country(mut self, country: &str) -> AccountBuilder {
        self.input.country = country.into();
        self
    }

    pub fn employees(mut self, count: &str) -> AccountBuilder {
        self.input.employee_count = count.into();
        self
    }

    pub fn revenue(mut self, amount: &str) -> AccountBuilder {
        self.input.annual_revenue = amount.into();
        self
    }

    pub fn owner(mut self, owner: UserId) -> AccountBuilder {
        self.input.owner_id = owner.to_string();
        self
    }

    pub async fn try_create(self, app: &TestApp, session: &str) -> Result<Account, AppError> {
        app.invoke(Some(session), CreateAccount { input: self.input })
            .await
    }

    pub async fn create(self, app: &TestApp, session: &str) -> Account {
        let name = self.input.name.clone();
        self.try_create(app, session)
            .await
            .unwrap_or_else(|e| panic!("create the account {name}: {e}"))
    }
}

/// A contact to create; only the names are required.
pub struct ContactBuilder {
    input: ContactInput,
}

pub fn contact(first: &str, last: &str) -> ContactBuilder {
    ContactBuilder {
        input: ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            ..ContactInput::default()
        },
    }
}

impl ContactBuilder {
    pub fn email(mut self, email: &str) -> ContactBuilder {
        self.input.email = email.into();
        self
    }

    pub fn title(mut self, title: &str) -> ContactBuilder {
        self.input.title = title.into();
        self
    }

    pub fn linkedin(mut self, url: &str) -> ContactBuilder {
        self.input.linkedin_url = url.into();
        self
    }

    /// At the account of this name.
    pub fn at(mut self, account: &str) -> ContactBuilder {
        self.input.account = account.into();
        self
    }

    pub async fn try_create(self, app: &TestApp, session: &str) -> Result<Contact, AppError> {
        app.invoke(Some(session), CreateContact { input: self.input })
            .await
    }

    pub async fn create(self, app: &TestApp, session: &str) -> Contact {
        let name = format!("{} {}", self.input.first_name, self.input.last_name);
        self.try_create(app, session)
            .await
            .unwrap_or_else(|e| panic!("create the contact {name}: {e}"))
    }
}
