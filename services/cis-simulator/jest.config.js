module.exports = { ...require('../../jest.preset.js'), displayName: 'cis-simulator', rootDir: __dirname };
