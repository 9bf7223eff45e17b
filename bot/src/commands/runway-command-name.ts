/** The slash command the bot answers (and the manifest declares). */
export const RUNWAY_COMMAND = '/runway';
