/**
 * The ways a participant may withdraw ("erase": nothing of them is kept; "keep": what they gave is
 * still analysed, never quoted). The one list lives with the table type; routes take it from here so
 * that no route reaches into db/.
 */
export { WITHDRAWAL_MODES, type WithdrawalMode } from "../../db/tables/participants";
