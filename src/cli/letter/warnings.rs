//! What `letter` tells on stderr beside the letter: whom it went to when `--to` did not say,
//! a recording notice sent with less than the state's notice period, a rule not confirmed.

use iepcase::letters::{LetterInput, NoticeTiming, Template};

use super::super::context::Ctx;
use super::super::error::CliError;

/// Says whom the letter went to when `--to` did not, and what the letter cannot claim.
pub fn warn(ctx: &Ctx, template: &Template, input: &LetterInput<'_>) -> Result<(), CliError> {
    if input.to.as_deref().is_none_or(|to| to.trim().is_empty()) {
        let to = input.addressee(template);
        ctx.ui
            .status(&format!("Addressed to {to} (pass --to to change it)"));
    }
    if let Some(timing) = input.notice_timing(template)?
        && timing.short()
    {
        warn_short_notice(ctx, &timing);
    }
    if template.spec.reply_address
        && input
            .signing
            .sender
            .address
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        ctx.ui.warn(&format!(
            "the {} letter asks for papers to be sent to {}, and no address is known",
            template.name,
            input.signing.name()
        ));
        // The parent's address is the child's, from the case; everyone else's is the
        // workspace's [advocate] table.
        ctx.ui.hint(if input.signing.from_case {
            "add the family's address to the case details: `address = \"…\"` under [extra] \
             (`iepcase case edit`)"
        } else {
            "add `address = \"…\"` to the [advocate] table in iepcase.toml"
        });
    }
    let authority = template.spec.authority(input.meta.state.as_deref());
    if authority.confidence != "confirmed" {
        ctx.ui.warn(&format!(
            "this letter relies on a rule marked {}: check it before sending",
            authority.confidence
        ));
    }
    Ok(())
}

fn warn_short_notice(ctx: &Ctx, timing: &NoticeTiming) {
    let Some((hours, state)) = &timing.required else {
        return;
    };
    let at = timing
        .meeting_time
        .map_or(String::new(), |t| format!(" at {t}"));
    ctx.ui.warn(&format!(
        "the meeting on {}{at} is less than {hours} hours after this notice (dated {}); \
         {state} expects {hours} hours' notice, so the letter does not claim it",
        timing.meeting_date, timing.letter
    ));
    if let Some((date, time)) = timing.send_by() {
        ctx.ui.hint(&format!(
            "send it by {date} at {time} to give {hours} hours' notice, or ask the team to \
             accept shorter notice"
        ));
    }
}
