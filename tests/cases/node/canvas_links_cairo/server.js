require('canvas');
