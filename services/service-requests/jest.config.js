module.exports = { ...require('../../jest.preset.js'), displayName: 'service-requests', rootDir: __dirname };
