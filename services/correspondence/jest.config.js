module.exports = { ...require('../../jest.preset.js'), displayName: 'correspondence', rootDir: __dirname };
