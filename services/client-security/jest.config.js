module.exports = { ...require('../../jest.preset.js'), displayName: 'client-security', rootDir: __dirname };
