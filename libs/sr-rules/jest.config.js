module.exports = { ...require('../../jest.preset.js'), displayName: 'sr-rules', rootDir: __dirname };
