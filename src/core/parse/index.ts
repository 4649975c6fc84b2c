export * from './languages';
export * from './parserHost';
export * from './ranges';
export * from './loopNests';
export * from './sourceText';
export * from './documentCache';
export * from './syntaxErrors';
