import { consoleSuite } from './console-suite.ts';

/** The console end to end in Debian's firefox (issue #9; the flow is in console-suite.ts). */
consoleSuite('firefox');
