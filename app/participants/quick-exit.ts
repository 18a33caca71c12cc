/**
 * Where "Leave this site quickly" sends people: GOV.UK's "Exit this page" goes to a neutral, common
 * site; so do we. One fixed address (never a parameter, so the exit cannot become an open redirect);
 * the CSP's form-action (scripts/server.ts) allows its origin, since the exit form's POST is
 * redirected there. ADR 064.
 */
export const QUICK_EXIT_URL = "https://www.bbc.co.uk/weather";
