//! Where mail goes: an SMTP server (`SMTP_URL`), or, with none configured, the log.

use crate::error::Error;
use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// No SMTP server: messages are logged and kept for the dev mailbox.
    Log { from: Mailbox },
}

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// An SMTP server accepted it.
    Sent,
    /// Written to the log (no SMTP configured).
    Logged,
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtps://user:pass@host:465` (TLS from the start),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtp://host:25` (plain, for a
    /// relay on the same machine). `None` logs mail instead.
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Mailer, Error> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| Error::Config(format!("MAIL_FROM: {from:?} is not an address: {e}")))?;
        Ok(match smtp_url {
            None => Mailer::Log { from },
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| Error::Config(format!("SMTP_URL: {e}")))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                Mailer::Smtp { transport, from }
            }
        })
    }

    pub fn is_smtp(&self) -> bool {
        matches!(self, Mailer::Smtp { .. })
    }

    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<Delivery, Error> {
        match self {
            Mailer::Log { from } => {
                // Development only: with no SMTP server the log is the mailbox.
                tracing::info!(%from, %to, %subject, body, "mail (no SMTP_URL set: logged, not sent)");
                Ok(Delivery::Logged)
            }
            Mailer::Smtp { transport, from } => {
                let to: Mailbox = to
                    .parse()
                    .map_err(|e| Error::Corrupt(format!("recipient {to:?}: {e}")))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(subject)
                    .body(body.to_string())
                    .map_err(|e| Error::Corrupt(format!("building the message: {e}")))?;
                transport
                    .send(message)
                    .await
                    .map_err(|e| Error::Mail(e.to_string()))?;
                Ok(Delivery::Sent)
            }
        }
    }
}
