import type { Command } from "./types";
import { instrumentCommands } from "./instruments";
import { wellbeingCommands } from "./wellbeing";
import { codingCommands } from "./coding";
import { dictionaryCommands } from "./dictionary";
import { accountCommands } from "./accounts";
import { participantCommands } from "./participants";
import { storageCommands } from "./storage";
import { agreementCommands } from "./agreement";
import { codebookCommands } from "./codebook";
import { retentionCommands } from "./retention";

// Each domain adds its commands here.
export const allCommands: Command[] = [
  ...instrumentCommands,
  ...wellbeingCommands,
  ...codingCommands,
  ...dictionaryCommands,
  ...accountCommands,
  ...participantCommands,
  ...storageCommands,
  ...agreementCommands,
  ...codebookCommands,
  ...retentionCommands,
];
