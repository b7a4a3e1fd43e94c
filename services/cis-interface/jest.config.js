module.exports = { ...require('../../jest.preset.js'), displayName: 'cis-interface', rootDir: __dirname };
