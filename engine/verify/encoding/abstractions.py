"""Stage 5 (verify): the declared abstractions of the Z3 encoding (reviewed like code).

Where the encoding is not an exact copy of the evaluator, it says so here, with the
reason and the test that covers the abstraction.  The differential test
(tests/properties/test_eval_matches_encoding.py) skips only cases these entries name.

>>> sorted(ABSTRACTIONS)[:2]
['assumptions', 'bounded_periods']
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Abstraction:
    name: str
    reason: str
    effect: str
    test: str


ABSTRACTIONS: dict[str, Abstraction] = {a.name: a for a in (
    Abstraction(
        "calendar_horizon",
        "months are linear arithmetic (four-year cycles), checked on every day against the "
        "month table built from lexlux.calendar.dates over 1970-2080; facts of type date are taken "
        "inside the verification horizon",
        "a proof (UNSAT) holds for dates from 1990-01-01 to 2060-12-31; calendar functions "
        "are exact for arguments between 1970 and 2080 (assumed, never silently wrong)",
        "tests/verify/test_encode.py::test_arithmetic_calendar_equals_the_lexlux_dates_table"),
    Abstraction(
        "working_days",
        "nth_counted_day, roll_forward and is_counted_day for kinds other than 'calendar' "
        "depend on public holidays: they are free variables with the bounds the calendar "
        "guarantees (d <= roll_forward(d) <= d + 7; nth_counted_day(d, n) >= d + n - 1; "
        "Sundays are never jours ouvrables), refined lazily with the values of "
        "lexlux.calendar.working_days for the arguments of each model (counterexample-guided)",
        "witnesses are exact (every abstract value in a reported model is the calendar's "
        "value); a proof holds for every calendar that satisfies the bounds",
        "tests/verify/test_encode.py::test_working_day_bounds_hold"),
    Abstraction(
        "counted_days",
        "first_day_counted_over and has_first_day_counted_over (the first day a weighted "
        "total of days exceeds a limit, engine/calendar/counted_days.py) are uninterpreted "
        "functions of their arguments, the date bounded by the search interval, refined "
        "lazily with the values of lexlux.calendar.counted_days for the arguments of each "
        "model (counterexample-guided, as the CCSS recurrence); a query left undecided is "
        "solved again with sound axioms relating them to the exact total of the window "
        "(over the limit on the day, not over the day before, a day adds at most one, a "
        "lower limit is passed no later: encoding/counted_axioms.py)",
        "witnesses are exact (every abstract value in a reported model is the calendar's "
        "value); a proof holds for every function that satisfies the bounds and the axioms",
        "tests/verify/test_counted_axioms.py::test_the_axioms_hold_for_the_calendar"),
    Abstraction(
        "bounded_periods",
        "a fact of type periods is at most three periods, sorted, with at least one free "
        "day between two periods; days_in_window and the other aggregates are exact on it",
        "a proof (UNSAT) holds for incapacity histories of at most three separated "
        "periods; witnesses are always valid histories",
        "tests/verify/test_encode.py::test_period_aggregates_match_lexlux_periods"),
    Abstraction(
        "decimal_grain",
        "facts of type decimal and percentage are multiples of 0.0001, money facts are "
        "whole cents, so that a witness can be written exactly",
        "a proof holds for such amounts only (amounts in the law are cents)",
        "tests/verify/test_encode.py::test_witness_amounts_are_written_exactly"),
    Abstraction(
        "defined_cases",
        "queries consider cases in which every conclusion that the outputs involved depend "
        "on is evaluated without a missing fact or an evaluation error",
        "a missing fact is reported by the evaluator (LX401), not by verify; a proof is "
        "about cases that give the facts the rules need",
        "tests/verify/test_checks.py::test_missing_facts_are_not_findings"),
    Abstraction(
        "unknown_parameters",
        "a parameter value no source gives (value: unknown) is a free variable; as in the "
        "evaluator it makes a conclusion that reads it 'missing', except in the dead-rule "
        "check, where it may take any value of its type",
        "conflicts, gaps and diffs do not consider conclusions that need an unknown value; "
        "a version is reported dead only if no value of the unknown parameter lets it apply",
        "tests/verify/test_checks.py::test_unknown_parameter_values_are_free_for_dead_rules"),
    Abstraction(
        "derived_facts",
        "facts that derivation rules (rules/<j>/derivations/) derive from the events of a "
        "timeline case are encoded as free facts, like facts given directly: every value a "
        "derivation can give is among those considered, but facts derived from the same "
        "events (incapacity and insured_incapacity) may take unrelated values; lexlux solve "
        "on a timeline case first derives the facts and pins them (exact, events are concrete)",
        "a proof (UNSAT) over free facts holds a fortiori for derived facts; a finding's "
        "witness is a fact-style case, replayed by the evaluator; it may be a fact pattern "
        "no timeline gives (an over-approximation, never a missed finding)",
        "tests/verify/test_derived_facts.py::test_solve_pins_the_facts_derived_from_events"),
    Abstraction(
        "timeline_outputs",
        "the plain encoding has no outputs of type timeline, nor outputs that read them; "
        "every check, lexlux diff (checks/timeline_diff.py) and invariants "
        "(checks/timeline_invariants.py) ask about them in the timeline encoding's bounded "
        "frames (abstraction timeline_bounded_proof); an output no check of the run asked "
        "about is not verified",
        "reported as LX521 (not verified), or LX522 with the bound (a diff's 'same' and an "
        "invariant's 'holds' only within the frames), never as OK",
        "tests/verify/test_timeline_checks.py::"
        "test_a_timeline_output_no_check_asks_about_stays_lx521"),
    Abstraction(
        "timeline_horizon",
        "outputs of type timeline (one value per calendar month, each_month) are encoded "
        "month by month for at most TIMELINE_MONTHS = 36 months (timelines.py), and the CCSS "
        "recurrence of the 77-day rule (employer_charged_days_in_window, "
        "employer_charged_month) is unrolled exactly over the 36 months from the month of "
        "the first day of the periods; a case whose timeline is longer, or that asks the "
        "recurrence about a later month, is beyond the horizon",
        "the pinned evaluation (evaluate_encoded(timelines=True)) gives the evaluator's "
        "answer inside the horizon and reports a case beyond it as 'beyond horizon' instead "
        "of an answer; a query built with it considers only cases within the horizon (a "
        "proof would hold for them)",
        "tests/verify/test_timelines.py::"
        "test_the_encoding_agrees_with_the_evaluator_inside_the_horizon"),
    Abstraction(
        "timeline_witness_search",
        "a query about a timeline output (readings, conflicts, hierarchy, dead rules, gaps) "
        "is solved on narrow frames (timelines.Frame): the first month of every timeline "
        "and of the CCSS recurrence pinned to the month of the anchor (the as-of date, else "
        "January 2017), so that every month is a number and no calendar division is left, "
        "with horizons of 6, 18 and 36 months, first with the cases earlier queries about "
        "the same output found, then with only the facts the rules that are no exception "
        "read, then with every fact (checks/timeline_search.py); the full encoding, whose "
        "first month is free, is not solved: Z3 does not decide it (its integer division)",
        "a witness is exact (a narrow query is the full query with more constraints, and "
        "the evaluator replays it); a query with neither a witness nor a bounded proof "
        "(timeline_bounded_proof) is UNKNOWN (LX510), never OK",
        "tests/verify/test_timelines.py::"
        "test_a_narrow_frame_agrees_with_the_evaluator_or_says_beyond"),
    Abstraction(
        "timeline_bounded_proof",
        "a query about a timeline output with no witness is proved only within bounded "
        "frames: every frame of 36 months whose first month is one of the 12 months from "
        "the anchor's (2017-01 to 2017-12 without --as-of) has no model; histories whose "
        "timelines start in another month or span more months are not covered",
        "'no case' is reported with its bound, never as proved: the note LX522 of the "
        "output lists each question and its answer, a dead rule (LX504) says the bound in "
        "its details; a query some frame leaves undecided is LX510",
        "tests/verify/test_timeline_checks.py::"
        "test_no_conflict_on_a_timeline_is_proved_within_the_frames_only"),
    Abstraction(
        "assumptions",
        "every query assumes the plausibility constraints declared in invariant files "
        "(assumptions: a receipt after its sending, the onset inside the incapacity) whose "
        "facts are all facts of the query, where the case gives them",
        "witnesses are plausible cases; a proof holds for the cases satisfying the "
        "assumptions",
        "tests/verify/test_invariants.py::"
        "test_assumptions_restrict_the_cases_the_solver_considers"),
)}
