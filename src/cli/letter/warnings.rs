//! What `letter` tells on stderr beside the letter: whom it went to when `--to` did not say,
//! a recording notice sent with less than the state's notice period, a rule not confirmed.

use iepcase::letters::{NoticeTiming, Template};
use iepcase::ops::letters::Notes;

use super::super::context::Ctx;

/// Says whom the letter went to when `--to` did not, and what the letter cannot claim.
pub fn warn(ctx: &Ctx, template: &Template, notes: &Notes) {
    if let Some(to) = &notes.addressed_to {
        ctx.ui
            .status(&format!("Addressed to {to} (pass --to to change it)"));
    }
    if let Some(timing) = &notes.short_notice {
        warn_short_notice(ctx, timing);
    }
    if let Some((signer, from_case)) = &notes.no_reply_address {
        ctx.ui.warn(&format!(
            "the {} letter asks for papers to be sent to {signer}, and no address is known",
            template.name,
        ));
        // The parent's address is the child's, from the case; everyone else's is the
        // workspace's [advocate] table.
        ctx.ui.hint(if *from_case {
            "add the family's address to the case details: `address = \"…\"` under [extra] \
             (`iepcase case edit`)"
        } else {
            "add `address = \"…\"` to the [advocate] table in iepcase.toml"
        });
    }
    if let Some(confidence) = &notes.unconfirmed {
        ctx.ui.warn(&format!(
            "this letter relies on a rule marked {confidence}: check it before sending"
        ));
    }
    if let Some(kind) = notes.tracking_not_recorded {
        ctx.ui.status(&format!(
            "A {kind} record has no tracking field: the number is in the attached letter"
        ));
    }
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
